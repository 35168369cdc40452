using Npgsql;

namespace Federation.Node.Storage;

/// <summary>One item peers can page through: what it is, who may see it, and the blobs that carry it.</summary>
public sealed record FeedItem(string Kind, string ItemId, string Origin, IReadOnlyList<string>? Audience, string ContentSha256, string? SignatureSha256, long Size);

/// <summary>
/// Appends to the feed in the caller's transaction. Positions are max + 1 under a transaction-level advisory lock:
/// the lock is held until commit, so position N+1 cannot be assigned before N is committed, and a reader that pages
/// by position never skips an item. (PostgreSQL sequence values are not commit order: a sequence would let a reader
/// see N+1, move its cursor, and never see N.)
/// </summary>
public static class FeedWriter
{
    // An arbitrary constant naming "the feed" among the node's advisory locks.
    private const long FeedLock = 0x4645_4544_0001;

    public static async Task<long> AppendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, FeedItem item, CancellationToken ct)
    {
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", conn, tx))
        {
            lockCmd.Parameters.Add(new NpgsqlParameter { Value = FeedLock });
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO {schema}.feed (position, kind, item_id, origin, audience, content_sha256, signature_sha256, size)
            SELECT coalesce(max(position), 0) + 1, $1, $2, $3, $4, $5, $6, $7 FROM {schema}.feed
            RETURNING position
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = item.Kind });
        cmd.Parameters.Add(new NpgsqlParameter { Value = item.ItemId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = item.Origin });
        cmd.Parameters.Add(new NpgsqlParameter { Value = item.Audience is null ? DBNull.Value : item.Audience.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = item.ContentSha256 });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)item.SignatureSha256 ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = item.Size });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

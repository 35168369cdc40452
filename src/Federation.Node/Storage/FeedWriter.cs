using Npgsql;

namespace Federation.Node.Storage;

/// <summary>One item peers can page through: what it is, who may see it, and the blobs that carry it.</summary>
public sealed record FeedItem(string Kind, string ItemId, string Origin, IReadOnlyList<string>? Audience, string ContentSha256, string? SignatureSha256, long Size);

/// <summary>
/// Appends to the feed in the caller's transaction. Positions are max + 1 under a transaction-level advisory lock:
/// the lock is held until commit, so position N+1 cannot be assigned before N is committed, and a reader that pages
/// by position never skips an item. (PostgreSQL sequence values are not commit order: a sequence would let a reader
/// see N+1, move its cursor, and never see N.)
/// An item for named peers that is small enough to push is also put in the outbox, one push per recipient, in the same
/// transaction; a NOTIFY, delivered by PostgreSQL only at commit, wakes the outbox pump.
/// </summary>
public static class FeedWriter
{
    // An arbitrary constant naming "the feed" among the node's advisory locks.
    private const long FeedLock = 0x4645_4544_0001;

    /// <summary>Items larger than this (content + signature) are not pushed: large releases travel by pull only.</summary>
    public const long MaxPushBytes = 8L << 20;

    /// <summary>The channel the outbox pump listens on (per schema, so nodes sharing a database do not wake each other).</summary>
    public static string OutboxChannel(string schema) => schema + "_outbox";

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
        var position = (long)(await cmd.ExecuteScalarAsync(ct))!;
        if (item.Audience is { Count: > 0 } recipients && item.Size <= MaxPushBytes)
        {
            await using var push = new NpgsqlCommand($"""
                WITH queued AS (INSERT INTO {schema}.outbox (recipient, feed_position) SELECT DISTINCT unnest($1::text[]), $2 RETURNING 1)
                SELECT pg_notify($3, '') FROM (SELECT count(*) FROM queued) q
                """, conn, tx);
            push.Parameters.Add(new NpgsqlParameter { Value = recipients.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
            push.Parameters.Add(new NpgsqlParameter { Value = position });
            push.Parameters.Add(new NpgsqlParameter { Value = OutboxChannel(schema) });
            await push.ExecuteNonQueryAsync(ct);
        }
        return position;
    }
}

using Federation.Core.Identity;
using Marten;
using Npgsql;

namespace Federation.Node.Sync;

/// <summary>Reading the outbox: per-peer health for operators, and the stored receipt of an item's push.</summary>
public static class Outbox
{
    /// <summary>A peer's pushes not yet acknowledged by a valid receipt: how many, how old the oldest, the last error.</summary>
    public sealed record Health(long Pending, double? OldestPendingSeconds, string? LastError, DateTimeOffset? LastAttempt)
    {
        public static readonly Health None = new(0, null, null, null);
    }

    public static async Task<Dictionary<string, Health>> HealthAsync(NpgsqlDataSource db, string schema, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT recipient, count(*), min(created), max(last_attempt),
                   (array_agg(last_error ORDER BY last_attempt DESC NULLS LAST) FILTER (WHERE last_error IS NOT NULL))[1]
            FROM {schema}.outbox WHERE delivered IS NULL GROUP BY recipient
            """);
        var health = new Dictionary<string, Health>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            health[r.GetString(0)] = new Health(r.GetInt64(1), Math.Max(0, (now - r.GetFieldValue<DateTimeOffset>(2)).TotalSeconds),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3));
        return health;
    }

    /// <summary>
    /// The receipt <paramref name="recipient"/> signed for this node's push of item <paramref name="kind"/>/<paramref name="itemId"/>,
    /// or null while none is held. Its <see cref="PushReceiptStored.ReceivedAt"/> is the recipient's signed receive time
    /// (where legal clocks start); the envelope itself is the blob <see cref="PushReceiptStored.ReceiptSha256"/>.
    /// </summary>
    public static async Task<PushReceiptStored?> FindReceiptAsync(IQuerySession session, string kind, string itemId, NodeId recipient, CancellationToken ct)
    {
        var to = recipient.Value;
        return await session.Events.QueryRawEventDataOnly<PushReceiptStored>()
            .Where(r => r.Recipient == to && r.Kind == kind && r.ItemId == itemId)
            .FirstOrDefaultAsync(ct);
    }
}

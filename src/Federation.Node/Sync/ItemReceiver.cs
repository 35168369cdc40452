using Federation.Core.Envelopes;
using Federation.Node.Hosting;
using Npgsql;

namespace Federation.Node.Sync;

/// <summary>
/// The one path every incoming item takes, pulled or pushed: the checks all kinds share, then the kind's
/// <see cref="IItemHandler"/>. An item is applied at most once: <c>received_items</c> keys it by kind and content digest,
/// and its row is inserted before the handler runs, so a concurrent second copy (push racing pull) waits for the first
/// and then finds it. The same item again (same origin and feed position) is a recorded duplicate; the same content
/// under another position is a replay and refused.
/// </summary>
public sealed class ItemReceiver
{
    public const string ReplayedReason = "item-replayed";

    private readonly Dictionary<string, IItemHandler> _handlers;

    public ItemReceiver(IEnumerable<IItemHandler> handlers)
    {
        _handlers = new(StringComparer.Ordinal);
        foreach (var h in handlers)
            if (!_handlers.TryAdd(h.Kind, h))
                throw new InvalidOperationException($"two item handlers are registered for kind '{h.Kind}'");
    }

    public IReadOnlyCollection<string> Kinds => _handlers.Keys;

    /// <summary>What became of one item.</summary>
    public abstract record Outcome
    {
        public sealed record Applied(DateTimeOffset ReceivedAt) : Outcome;
        /// <summary>Already applied (at <paramref name="ReceivedAt"/>): counted, nothing applied again.</summary>
        public sealed record Duplicate(DateTimeOffset ReceivedAt) : Outcome;
        public sealed record Refused(ItemRefusal Refusal) : Outcome;
    }

    /// <summary>The checks that need no objects, so a pull need not download what it will refuse anyway.</summary>
    public ItemRefusal? Precheck(FeedApi.FeedEntry entry, PeerSettings peer)
    {
        if (entry.Origin != peer.NodeId.Value)
            return new("origin-not-peer", $"the item names origin {entry.Origin}; {peer.NodeId} may only send its own");
        if (!_handlers.ContainsKey(entry.Kind))
            return new("kind-unknown", $"this node does not take items of kind '{entry.Kind}'");
        return null;
    }

    public async Task<Outcome> ReceiveAsync(ItemReception reception, ReceivedItem item, CancellationToken ct)
    {
        var entry = item.Entry;
        if (Precheck(entry, reception.Peer) is { } early) return new Outcome.Refused(early);
        if (ContentDigest.Of(item.Content).Hex != entry.ContentSha256)
            return new Outcome.Refused(new("object-digest-mismatch", $"the object sent as {entry.ContentSha256} has another digest"));
        if ((entry.SignatureSha256 is null) != (item.Signature is null)
            || (item.Signature is not null && ContentDigest.Of(item.Signature).Hex != entry.SignatureSha256))
            return new Outcome.Refused(new("object-digest-mismatch", $"the signature sent as {entry.SignatureSha256} has another digest"));

        var (inserted, seen) = await ClaimAsync(reception, item, ct);
        if (!inserted)
        {
            if (seen.Origin != entry.Origin || seen.Position != entry.Position)
                return new Outcome.Refused(new(ReplayedReason,
                    $"this {entry.Kind} (sha256 {entry.ContentSha256}) was received at {seen.Origin} position {seen.Position}; now it comes again at {entry.Origin} position {entry.Position}"));
            await using var dup = new NpgsqlCommand($"UPDATE {reception.Schema}.received_items SET duplicates = duplicates + 1 WHERE kind = $1 AND content_sha256 = $2",
                reception.Connection, reception.Transaction);
            dup.Parameters.Add(new NpgsqlParameter { Value = entry.Kind });
            dup.Parameters.Add(new NpgsqlParameter { Value = entry.ContentSha256 });
            await dup.ExecuteNonQueryAsync(ct);
            return new Outcome.Duplicate(seen.At);
        }

        var refusal = await _handlers[entry.Kind].ReceiveAsync(reception, item, ct);
        if (refusal is { } r)
        {
            // The handler wrote nothing; take back the claim so a later, valid copy is not mistaken for a duplicate.
            await using var undo = new NpgsqlCommand($"DELETE FROM {reception.Schema}.received_items WHERE kind = $1 AND content_sha256 = $2",
                reception.Connection, reception.Transaction);
            undo.Parameters.Add(new NpgsqlParameter { Value = entry.Kind });
            undo.Parameters.Add(new NpgsqlParameter { Value = entry.ContentSha256 });
            await undo.ExecuteNonQueryAsync(ct);
            return new Outcome.Refused(r);
        }
        await reception.Session.SaveChangesAsync(ct);
        // As PostgreSQL keeps it (microseconds), so a receipt for a later duplicate names the very same time.
        return new Outcome.Applied(new DateTimeOffset(reception.Now.UtcTicks - reception.Now.UtcTicks % 10, TimeSpan.Zero));
    }

    private static async Task<(bool Inserted, (string Origin, long Position, DateTimeOffset At) Seen)> ClaimAsync(ItemReception reception, ReceivedItem item, CancellationToken ct)
    {
        var entry = item.Entry;
        await using (var claim = new NpgsqlCommand($"""
            INSERT INTO {reception.Schema}.received_items (kind, content_sha256, origin, item_id, feed_position, via, received_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kind, content_sha256) DO NOTHING
            """, reception.Connection, reception.Transaction))
        {
            claim.Parameters.Add(new NpgsqlParameter { Value = entry.Kind });
            claim.Parameters.Add(new NpgsqlParameter { Value = entry.ContentSha256 });
            claim.Parameters.Add(new NpgsqlParameter { Value = entry.Origin });
            claim.Parameters.Add(new NpgsqlParameter { Value = entry.Id });
            claim.Parameters.Add(new NpgsqlParameter { Value = entry.Position });
            claim.Parameters.Add(new NpgsqlParameter { Value = item.Via });
            claim.Parameters.Add(new NpgsqlParameter { Value = reception.Now });
            if (await claim.ExecuteNonQueryAsync(ct) == 1) return (true, default);
        }
        await using var read = new NpgsqlCommand($"SELECT origin, feed_position, received_at FROM {reception.Schema}.received_items WHERE kind = $1 AND content_sha256 = $2",
            reception.Connection, reception.Transaction);
        read.Parameters.Add(new NpgsqlParameter { Value = entry.Kind });
        read.Parameters.Add(new NpgsqlParameter { Value = entry.ContentSha256 });
        await using var r = await read.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (false, (r.GetString(0), r.GetInt64(1), r.GetFieldValue<DateTimeOffset>(2)));
    }
}

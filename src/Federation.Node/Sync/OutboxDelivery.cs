using System.Net;
using System.Net.Http.Json;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Node.Hosting;
using Federation.Node.Peers;
using Federation.Node.Storage;
using Marten;
using Npgsql;

namespace Federation.Node.Sync;

/// <summary>
/// Delivers the outbox: for each recipient, its pending pushes oldest first, each posted to the recipient's inbox until
/// a valid receipt comes back (<see cref="PushReceipt.Verify"/>), which is then stored — blob, event, the row marked
/// delivered — in one transaction. Anything else (the peer down, a refusal, a receipt that does not verify or names
/// something else) leaves the push pending with its error and an exponentially growing delay. Only one delivery per
/// recipient runs at a time (an advisory lock), so the pump and a direct call never send twice at once.
/// </summary>
public sealed class OutboxDelivery(NodeSettingsMonitor settings, PeerClient clients, IDocumentStore store, NpgsqlDataSource db, TimeProvider time, SyncOptions options,
    ILogger<OutboxDelivery> log)
{
    /// <summary>What one delivery run did for one recipient.</summary>
    public sealed record Round(string Recipient, int Delivered, int Failed, string? LastError);

    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Min(attempts, 20) - 1)));

    /// <summary>Delivers what is due for every recipient that has pending pushes.</summary>
    public async Task<IReadOnlyList<Round>> DeliverDueAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT DISTINCT recipient FROM {settings.Current.Schema}.outbox WHERE delivered IS NULL AND next_attempt <= $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        var recipients = new List<string>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) recipients.Add(r.GetString(0));
        // Each recipient on its own: one peer down or slow never delays the others.
        return await Task.WhenAll(recipients.Select(p => DeliverAsync(NodeId.Parse(p), force: false, ct)));
    }

    /// <summary>Delivers <paramref name="recipient"/>'s pending pushes; <paramref name="force"/> ignores their back-off.</summary>
    public async Task<Round> DeliverAsync(NodeId recipient, bool force, CancellationToken ct)
    {
        var s = settings.Current;
        await using var lockConn = await db.OpenConnectionAsync(ct);
        if (!await SessionLock.TryAcquireAsync(lockConn, "outbox:" + recipient, ct)) return new Round(recipient.Value, 0, 0, "already-running");
        try
        {
            var due = await DueAsync(s.Schema, recipient, force, ct);
            if (!s.Peers.TryGetValue(recipient, out var peer))
            {
                foreach (var push in due) await FailAsync(s.Schema, push, $"{recipient} is not a configured peer", ct);
                return new Round(recipient.Value, 0, due.Count, due.Count > 0 ? "not a configured peer" : null);
            }
            int delivered = 0, failed = 0;
            string? lastError = null;
            foreach (var push in due)
            {
                ct.ThrowIfCancellationRequested();
                var error = await PushAsync(s, peer, push, ct);
                if (error is null)
                {
                    delivered++;
                    continue;
                }
                failed++;
                lastError = error.Value.Message;
                await FailAsync(s.Schema, push, error.Value.Message, ct);
                if (error.Value.Unreachable)
                {
                    // The peer is down: the rest would fail the same way, so they wait out the same back-off.
                    foreach (var rest in due.SkipWhile(p => p != push).Skip(1)) await FailAsync(s.Schema, rest, error.Value.Message, ct);
                    failed += due.Count - delivered - failed;
                    break;
                }
            }
            return new Round(recipient.Value, delivered, failed, lastError);
        }
        finally
        {
            await SessionLock.ReleaseAsync(lockConn, "outbox:" + recipient);
        }
    }

    private sealed record Pending(long Id, int Attempts, FeedApi.FeedEntry Entry);

    private async Task<List<Pending>> DueAsync(string schema, NodeId recipient, bool force, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT o.id, o.attempts, f.position, f.kind, f.item_id, f.origin, f.content_sha256, f.signature_sha256, f.size, f.created
            FROM {schema}.outbox o JOIN {schema}.feed f ON f.position = o.feed_position
            WHERE o.recipient = $1 AND o.delivered IS NULL AND ($2 OR o.next_attempt <= $3)
            ORDER BY o.id LIMIT 1000
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = recipient.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = force });
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        var due = new List<Pending>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            due.Add(new Pending(r.GetInt64(0), r.GetInt32(1), new FeedApi.FeedEntry(r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                r.IsDBNull(7) ? null : r.GetString(7), r.GetInt64(8), r.GetFieldValue<DateTimeOffset>(9))));
        return due;
    }

    /// <summary>Posts one push and stores its receipt; returns the error otherwise, and whether the peer was unreachable.</summary>
    private async Task<(string Message, bool Unreachable)?> PushAsync(NodeSettings s, PeerSettings peer, Pending push, CancellationToken ct)
    {
        var e = push.Entry;
        var content = await Blobs.GetAsync(db, s.Schema, e.ContentSha256, ct);
        var signature = e.SignatureSha256 is { } sig ? await Blobs.GetAsync(db, s.Schema, sig, ct) : null;
        if (content is null || (e.SignatureSha256 is not null && signature is null)) return ($"the objects of {e.Kind} {e.Id} are missing", false);

        byte[] receiptBytes;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "federation/v1/inbox")
            {
                Content = JsonContent.Create(new InboxApi.InboxRequest(e, content.Content, signature?.Content)),
            };
            using var response = await BoundedBody.SendAsync(clients.For(peer), request, options.IdleRead, ct);
            // A receipt or a problem is small: a peer answering more is cut off, not buffered.
            var answer = await BoundedBody.ReadAsync(response.Content, SyncOptions.MaxAnswerBytes, PeerAnswerRefused.AnswerTooLarge, options.IdleRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                var problem = System.Text.Encoding.UTF8.GetString(answer);
                var unreachable = response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
                return ($"HTTP {(int)response.StatusCode}: {Truncate(problem)}", unreachable);
            }
            receiptBytes = answer;
        }
        catch (PeerAnswerRefused refused) when (!ct.IsCancellationRequested)
        {
            return ($"{refused.Reason}: {refused.Detail}", refused.Reason == PeerAnswerRefused.PeerTooSlow);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (ex is TaskCanceledException ? "timed out" : ex.Message, true);
        }

        var expected = new PushReceipt(PushReceipt.CurrentVersion, peer.NodeId.Value, s.NodeId.Value, e.Kind, e.Id, e.Position, e.ContentSha256, default);
        var check = PushReceipt.Verify(receiptBytes, peer.NodeId, peer.Anchor, expected, time);
        if (!check.Accepted)
        {
            log.LogWarning("Receipt from {Peer} for {Kind} {Id} not accepted: {Reason} ({Detail})", peer.NodeId, e.Kind, e.Id, check.Reason, check.Detail);
            return ($"receipt not accepted: {check.Reason}: {check.Detail}", false);
        }

        var receiptSha = ContentDigest.Of(receiptBytes).Hex;
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx));
        await Blobs.PutAsync(conn, tx, s.Schema, receiptSha, PushReceipt.MediaType, receiptBytes, ct);
        await using (var done = new NpgsqlCommand($"""
            UPDATE {s.Schema}.outbox SET delivered = $2, receipt_sha256 = $3, attempts = attempts + 1, last_attempt = $2, last_error = NULL
            WHERE id = $1 AND delivered IS NULL
            """, conn, tx))
        {
            done.Parameters.Add(new NpgsqlParameter { Value = push.Id });
            done.Parameters.Add(new NpgsqlParameter { Value = now });
            done.Parameters.Add(new NpgsqlParameter { Value = receiptSha });
            if (await done.ExecuteNonQueryAsync(ct) == 0) return null; // delivered meanwhile by another node instance
        }
        session.Events.Append(PushReceiptStored.Stream(peer.NodeId.Value), new PushReceiptStored(peer.NodeId.Value, e.Kind, e.Id, e.Position, e.ContentSha256,
            receiptSha, check.ContentSha256, check.Receipt!.Received, now));
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    private async Task FailAsync(string schema, Pending push, string error, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var cmd = db.CreateCommand($"UPDATE {schema}.outbox SET attempts = attempts + 1, last_attempt = $2, next_attempt = $3, last_error = $4 WHERE id = $1 AND delivered IS NULL");
        cmd.Parameters.Add(new NpgsqlParameter { Value = push.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now + Backoff(push.Attempts + 1) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Truncate(error) });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "…";
}

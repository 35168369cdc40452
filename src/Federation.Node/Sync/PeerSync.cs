using System.Net.Http.Json;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Releases;
using Federation.Node.Hosting;
using Federation.Node.Lists;
using Federation.Node.Peers;
using Federation.Node.Storage;
using Marten;
using Npgsql;

namespace Federation.Node.Sync;

/// <summary>
/// Pulls one peer's feed: pages through it, downloads each item's objects, verifies them strictly (the object's
/// digest, the CMS signature, signer = the item's origin = this peer, its pinned CA, the list's chain, expiry), and
/// stores what passed — blobs, active entries, events, the list's state — together with the moved cursor, in one
/// transaction per page. An item that fails is quarantined with its reason and digest, and the sync goes on.
/// Only one sync per peer runs at a time (a PostgreSQL advisory lock, so also across node instances).
/// </summary>
public sealed class PeerSync(NodeSettingsMonitor settings, PeerClient clients, IDocumentStore store, NpgsqlDataSource db, TimeProvider time, ILogger<PeerSync> log)
{
    public const int DefaultPageSize = 100;

    /// <summary>Items asked for per feed page (the peer caps it too).</summary>
    public int PageSize { get; init; } = DefaultPageSize;
    private const long MaxObjectBytes = 1L << 30;

    public sealed record Outcome(string Peer, string Status, int Pages, int Applied, int Quarantined, PeerSyncState State);

    /// <summary>Syncs <paramref name="peer"/> until its feed is exhausted. <paramref name="force"/> ignores the back-off
    /// after failures (an operator's "sync now").</summary>
    public async Task<Outcome> SyncAsync(NodeId peer, bool force, CancellationToken ct) => await SyncAsync(peer, force, int.MaxValue, ct);

    /// <summary>As <see cref="SyncAsync(NodeId, bool, CancellationToken)"/>, stopping after <paramref name="maxPages"/> pages
    /// (tests use it to cut a sync between pages, as a crash would).</summary>
    public async Task<Outcome> SyncAsync(NodeId peer, bool force, int maxPages, CancellationToken ct)
    {
        var s = settings.Current;
        if (!s.Peers.TryGetValue(peer, out var peerSettings))
            return new Outcome(peer.Value, "not-a-peer", 0, 0, 0, PeerSyncState.New(peer.Value));

        await using var lockConn = await db.OpenConnectionAsync(ct);
        if (!await Advisory(lockConn, "pg_try_advisory_lock", peer, ct))
            return new Outcome(peer.Value, "already-running", 0, 0, 0, await LoadState(peer, ct));
        try
        {
            var state = await LoadState(peer, ct);
            var now = time.GetUtcNow();
            if (!force && state.ConsecutiveFailures > 0 && state.LastAttempt is { } last && now < last + Backoff(state.ConsecutiveFailures))
                return new Outcome(peer.Value, "backing-off", 0, 0, 0, state);
            int pages = 0, applied = 0, quarantined = 0;
            try
            {
                while (true)
                {
                    ct.ThrowIfCancellationRequested();
                    var page = await FetchPage(peerSettings, state.Cursor, ct);
                    var (next, a, q) = await ApplyPage(peerSettings, state, page, ct);
                    state = next;
                    pages++;
                    applied += a;
                    quarantined += q;
                    if (page.Items.Count == 0) break;
                    if (pages >= maxPages) return new Outcome(peer.Value, "stopped", pages, applied, quarantined, state);
                }
                return new Outcome(peer.Value, "ok", pages, applied, quarantined, state);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Text.Json.JsonException or SyncFailure)
            {
                if (ct.IsCancellationRequested) throw;
                var reason = e is TaskCanceledException ? "timed out" : e.Message;
                log.LogWarning("Sync of {Peer} failed: {Reason}", peer, reason);
                state = await LoadState(peer, ct) with { LastAttempt = time.GetUtcNow(), LastError = reason };
                state = state with { ConsecutiveFailures = state.ConsecutiveFailures + 1 };
                await using var session = store.LightweightSession();
                session.Store(state);
                await session.SaveChangesAsync(ct);
                return new Outcome(peer.Value, "failed", pages, applied, quarantined, state);
            }
        }
        finally
        {
            await Advisory(lockConn, "pg_advisory_unlock", peer, CancellationToken.None);
        }
    }

    private static TimeSpan Backoff(int failures) => TimeSpan.FromSeconds(Math.Min(1800, 30 * Math.Pow(2, Math.Min(failures - 1, 10))));

    private async Task<FeedApi.FeedPage> FetchPage(PeerSettings peer, long cursor, CancellationToken ct)
    {
        var page = await clients.For(peer).GetFromJsonAsync<FeedApi.FeedPage>($"federation/v1/feed?after={cursor}&limit={PageSize}", ct)
            ?? throw new SyncFailure("the feed answered with no page");
        if (page.Items.Count > PageSize) throw new SyncFailure($"the feed sent {page.Items.Count} items for a page of {PageSize}");
        var previous = cursor;
        foreach (var item in page.Items)
        {
            if (item.Position <= previous) throw new SyncFailure($"the feed is out of order at position {item.Position}");
            previous = item.Position;
        }
        return page;
    }

    private sealed record Accepted(FeedApi.FeedEntry Item, ReleaseSummary Summary, byte[] Content, byte[] Signature, string SignerSubject);

    private async Task<(PeerSyncState, int, int)> ApplyPage(PeerSettings peer, PeerSyncState state, FeedApi.FeedPage page, CancellationToken ct)
    {
        var accepted = new List<Accepted>();
        var quarantined = new List<ItemQuarantined>();
        var chains = new Dictionary<string, ReleaseChainState?>();
        long bytes = 0;
        var verifier = new ReleaseVerifier(time);
        await using (var query = store.QuerySession())
        {
            foreach (var item in page.Items)
            {
                var refusal = await Check(item);
                if (refusal is not null)
                {
                    log.LogWarning("Quarantined {Kind} {Id} from {Peer}: {Reason} ({Detail})", item.Kind, item.Id, peer.NodeId, refusal.Value.Reason, refusal.Value.Detail);
                    quarantined.Add(new ItemQuarantined(peer.NodeId.Value, item.Position, item.Kind, item.Id, item.ContentSha256, refusal.Value.Reason, refusal.Value.Detail, time.GetUtcNow()));
                }
            }

            async Task<(string Reason, string Detail)?> Check(FeedApi.FeedEntry item)
            {
                if (item.Kind != "release") return ("kind-unknown", $"this node does not take items of kind '{item.Kind}'");
                if (item.Origin != peer.NodeId.Value) return ("origin-not-peer", $"the item names origin {item.Origin}; {peer.NodeId} may only serve its own");
                if (item.SignatureSha256 is null) return ("signature-missing", "a release item must name its detached signature");
                var content = await Download(peer, item.ContentSha256, ct);
                var signature = await Download(peer, item.SignatureSha256, ct);
                bytes += content.Length + signature.Length;
                if (ContentDigest.Of(content).Hex != item.ContentSha256) return ("object-digest-mismatch", $"the object served as {item.ContentSha256} has another digest");
                if (ContentDigest.Of(signature).Hex != item.SignatureSha256) return ("object-digest-mismatch", $"the signature served as {item.SignatureSha256} has another digest");

                ReleaseHeader header;
                try
                {
                    header = (await ReleaseReader.OpenAsync(new MemoryStream(content), ct)).Header;
                }
                catch (ReleaseFormatException e)
                {
                    return (ReleaseRejections.Malformed, e.Message);
                }
                // A peer that serves us a release outside its audience breaks the origin's sharing rules: refuse it.
                if (!header.Audience.Includes(settings.Current.NodeId))
                    return ("not-in-audience", $"the release is for {header.Audience}, not for {settings.Current.NodeId}");
                var key = HashList.Key(header.Origin.Value, header.List.Value);
                if (!chains.TryGetValue(key, out var chain))
                {
                    var list = await query.LoadAsync<HashList>(key, ct);
                    chain = list?.LastDigest is { } d
                        ? new ReleaseChainState(header.List, header.Origin, new ReleaseVersion(list.Version), ContentDigest.Parse(d))
                        : null;
                }
                var check = await verifier.VerifyAsync(new MemoryStream(content), signature, peer.Anchor, peer.NodeId, chain, ct);
                if (!check.Accepted) return (check.Reason!, check.Detail);
                accepted.Add(new Accepted(item, check.Release!, content, signature, check.Signer?.Subject ?? ""));
                chains[key] = ReleaseChainState.Of(check.Release!);
                return null;
            }
        }

        var schema = settings.Current.Schema;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx));
        var now = time.GetUtcNow();
        foreach (var a in accepted)
        {
            var h = a.Summary.Header;
            await Blobs.PutAsync(conn, tx, schema, a.Summary.Digest.Hex, "application/vnd.federation.release", a.Content, ct);
            await Blobs.PutAsync(conn, tx, schema, a.Item.SignatureSha256!, "application/pkcs7-signature", a.Signature, ct);
            long active;
            await using (var release = new MemoryStream(a.Content, writable: false))
                active = await ActiveEntries.ApplyAsync(conn, tx, schema, a.Summary, release, ct);
            var key = HashList.Key(h.Origin.Value, h.List.Value);
            var list = await session.LoadAsync<HashList>(key, ct)
                ?? new HashList(key, h.Origin.Value, h.List.Value, h.List.Value, h.Audience.ToString(), h.Tlp.Name, 0, null, null, 0, now, null);
            session.Store(list with { Version = h.Version.Value, LastDigest = a.Summary.Digest.Hex, Expires = h.Expires, ActiveEntries = active, Audience = h.Audience.ToString(), Tlp = h.Tlp.Name, Updated = now });
            session.Events.Append(HashList.Stream(h.Origin.Value, h.List.Value), new ReleaseReceived(h.Origin.Value, h.List.Value, h.Version.Value,
                a.Summary.Digest.Hex, a.Item.SignatureSha256!, a.Summary.Added, a.Summary.Withdrawn, h.Expires, a.Item.Position, a.SignerSubject, now));
        }
        foreach (var q in quarantined)
            session.Events.Append("sync:" + peer.NodeId, q);
        var next = state with
        {
            Cursor = page.Items.Count > 0 ? page.Items[^1].Position : state.Cursor,
            Head = Math.Max(page.Head, state.Cursor),
            LastSuccess = now,
            LastAttempt = now,
            LastError = null,
            ConsecutiveFailures = 0,
            ItemsReceived = state.ItemsReceived + accepted.Count,
            BytesReceived = state.BytesReceived + bytes,
            ItemsQuarantined = state.ItemsQuarantined + quarantined.Count,
        };
        session.Store(next);
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (next, accepted.Count, quarantined.Count);
    }

    private async Task<byte[]> Download(PeerSettings peer, string sha256, CancellationToken ct)
    {
        using var response = await clients.For(peer).GetAsync($"federation/v1/objects/{sha256}", HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode) throw new SyncFailure($"object {sha256}: HTTP {(int)response.StatusCode}");
        if (response.Content.Headers.ContentLength > MaxObjectBytes) throw new SyncFailure($"object {sha256} is larger than {MaxObjectBytes} bytes");
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    private async Task<PeerSyncState> LoadState(NodeId peer, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<PeerSyncState>(peer.Value, ct) ?? PeerSyncState.New(peer.Value);
    }

    private static async Task<bool> Advisory(NpgsqlConnection conn, string function, NodeId peer, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {function}(hashtextextended($1, 0))", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = "peer-sync:" + peer });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private sealed class SyncFailure(string message) : Exception(message);
}

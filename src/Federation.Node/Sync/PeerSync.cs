using System.Net.Http.Json;
using Federation.Core.Identity;
using Federation.Node.Hosting;
using Federation.Node.Peers;
using Federation.Node.Storage;
using Marten;
using Npgsql;

namespace Federation.Node.Sync;

/// <summary>
/// Pulls one peer's feed: pages through it, downloads each item's objects, verifies them strictly (the object's
/// digest, then the kind's own rules through <see cref="ItemReceiver"/>: for releases the CMS signature, signer = the
/// item's origin = this peer, its pinned CA, the list's chain, expiry), and stores what passed together with the moved
/// cursor, in one transaction per page. An item that fails is quarantined with its reason and digest, and the sync goes on.
/// Only one sync per peer runs at a time (a PostgreSQL advisory lock, so also across node instances).
/// </summary>
public sealed class PeerSync(NodeSettingsMonitor settings, PeerClient clients, IDocumentStore store, NpgsqlDataSource db, ItemReceiver receiver, TimeProvider time, ILogger<PeerSync> log)
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
        if (!await SessionLock.TryAcquireAsync(lockConn, "peer-sync:" + peer, ct))
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
            await SessionLock.ReleaseAsync(lockConn, "peer-sync:" + peer);
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

    private async Task<(PeerSyncState, int, int)> ApplyPage(PeerSettings peer, PeerSyncState state, FeedApi.FeedPage page, CancellationToken ct)
    {
        // Objects are fetched before the transaction opens, so a slow peer never holds one open; the checks that need
        // no object come first, so nothing is downloaded that would be refused anyway.
        var fetched = new List<(FeedApi.FeedEntry Entry, ReceivedItem? Item, ItemRefusal? Refusal)>();
        long bytes = 0;
        foreach (var entry in page.Items)
        {
            if (receiver.Precheck(entry, peer) is { } early)
            {
                fetched.Add((entry, null, early));
                continue;
            }
            var content = await Download(peer, entry.ContentSha256, ct);
            var signature = entry.SignatureSha256 is { } sig ? await Download(peer, sig, ct) : null;
            bytes += content.Length + (signature?.Length ?? 0);
            fetched.Add((entry, new ReceivedItem(entry, content, signature, "pull"), null));
        }

        var s = settings.Current;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx));
        var now = time.GetUtcNow();
        var reception = new ItemReception(conn, tx, session, s, peer, now);
        int applied = 0, quarantined = 0;
        foreach (var (entry, item, early) in fetched)
        {
            var outcome = item is null ? new ItemReceiver.Outcome.Refused(early!.Value) : await receiver.ReceiveAsync(reception, item, ct);
            if (outcome is ItemReceiver.Outcome.Applied) applied++;
            if (outcome is ItemReceiver.Outcome.Refused { Refusal: var r })
            {
                quarantined++;
                log.LogWarning("Quarantined {Kind} {Id} from {Peer}: {Reason} ({Detail})", entry.Kind, entry.Id, peer.NodeId, r.Reason, r.Detail);
                session.Events.Append("sync:" + peer.NodeId, new ItemQuarantined(peer.NodeId.Value, entry.Position, entry.Kind, entry.Id, entry.ContentSha256, r.Reason, r.Detail, now));
            }
        }
        var next = state with
        {
            Cursor = page.Items.Count > 0 ? page.Items[^1].Position : state.Cursor,
            Head = Math.Max(page.Head, state.Cursor),
            LastSuccess = now,
            LastAttempt = now,
            LastError = null,
            ConsecutiveFailures = 0,
            ItemsReceived = state.ItemsReceived + applied,
            BytesReceived = state.BytesReceived + bytes,
            ItemsQuarantined = state.ItemsQuarantined + quarantined,
        };
        session.Store(next);
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (next, applied, quarantined);
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

    private sealed class SyncFailure(string message) : Exception(message);
}

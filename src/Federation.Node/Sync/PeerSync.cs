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
/// cursor, one transaction per page or per <see cref="SyncOptions.PageBudgetBytes"/> of objects, whichever is less. An
/// item that fails is quarantined with its reason and digest, and the sync goes on.
/// Only one sync per peer runs at a time (a PostgreSQL advisory lock, so also across node instances).
/// Nothing a peer sends is read unbounded (<see cref="BoundedBody"/>), and the whole pull has a deadline: a peer that
/// breaks a bound fails the pull with a reason in its sync health, and the worker, lock and connection are freed.
/// </summary>
public sealed class PeerSync(NodeSettingsMonitor settings, PeerClient clients, IDocumentStore store, NpgsqlDataSource db, ItemReceiver receiver, TimeProvider time, ILogger<PeerSync> log)
{
    public const int DefaultPageSize = 100;

    /// <summary>Items asked for per feed page (the peer caps it too).</summary>
    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>The bounds on what a pull reads and how long it runs.</summary>
    public SyncOptions Options { get; init; } = SyncOptions.Default;

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
            // The deadline covers the network and the page transactions alike; the host's own token still stops it at once.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(Options.PullTimeout);
            try
            {
                while (true)
                {
                    deadline.Token.ThrowIfCancellationRequested();
                    var page = await FetchPage(peerSettings, state.Cursor, deadline.Token);
                    var (next, a, q) = await ApplyPage(peerSettings, state, page, deadline.Token);
                    state = next;
                    pages++;
                    applied += a;
                    quarantined += q;
                    if (page.Items.Count == 0) break;
                    if (pages >= maxPages) return new Outcome(peer.Value, "stopped", pages, applied, quarantined, state);
                }
                return new Outcome(peer.Value, "ok", pages, applied, quarantined, state);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && Failure(e, deadline.IsCancellationRequested) is { } failure)
            {
                var (reason, detail) = failure;
                log.LogWarning("Sync of {Peer} failed: {Reason} ({Detail})", peer, reason, detail);
                state = await LoadState(peer, ct) with { LastAttempt = time.GetUtcNow(), LastError = $"{reason}: {detail}", LastReason = reason };
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

    /// <summary>Why a pull failed, as a reason code and a detail; null for an error that is not the peer's doing.</summary>
    private (string Reason, string Detail)? Failure(Exception e, bool deadlinePassed) => e switch
    {
        PeerAnswerRefused r => (r.Reason, r.Detail),
        OperationCanceledException when deadlinePassed =>
            (PeerAnswerRefused.PeerTooSlow, $"the pull did not finish within {Options.PullTimeout.TotalSeconds:0} s"),
        TaskCanceledException => (PeerAnswerRefused.PeerTooSlow, "timed out"),
        HttpRequestException or IOException => ("peer-unreachable", e.Message),
        _ => null,
    };

    private static TimeSpan Backoff(int failures) => TimeSpan.FromSeconds(Math.Min(1800, 30 * Math.Pow(2, Math.Min(failures - 1, 10))));

    private async Task<FeedApi.FeedPage> FetchPage(PeerSettings peer, long cursor, CancellationToken ct)
    {
        using var response = await BoundedBody.GetAsync(clients.For(peer), $"federation/v1/feed?after={cursor}&limit={PageSize}", Options.IdleRead, ct);
        if (!response.IsSuccessStatusCode) throw new PeerAnswerRefused("feed-unavailable", $"HTTP {(int)response.StatusCode}");
        var page = await BoundedBody.ReadJsonAsync<FeedApi.FeedPage>(response.Content, Options.MaxFeedPageBytes, PeerAnswerRefused.FeedPageTooLarge,
            SyncOptions.MaxJsonDepth, "feed-malformed", Options.IdleRead, ct);
        if (page.Items is null) throw new PeerAnswerRefused("feed-malformed", "the page has no items");
        if (page.Items.Count > PageSize)
            throw new PeerAnswerRefused(PeerAnswerRefused.FeedPageTooLarge, $"the feed sent {page.Items.Count} items for a page of {PageSize}");
        var previous = cursor;
        foreach (var item in page.Items)
        {
            if (item is null) throw new PeerAnswerRefused("feed-malformed", "the page holds a null item");
            if (item.Position <= previous) throw new PeerAnswerRefused("feed-out-of-order", $"the feed is out of order at position {item.Position}");
            previous = item.Position;
        }
        return page;
    }

    private async Task<(PeerSyncState, int, int)> ApplyPage(PeerSettings peer, PeerSyncState state, FeedApi.FeedPage page, CancellationToken ct)
    {
        // Objects are fetched before a transaction opens, so a slow peer never holds one open; the checks that need no
        // object come first, so nothing is downloaded that would be refused anyway. At most a budget of objects is held
        // in memory: beyond it, what was fetched is applied (with the cursor up to it) before the page goes on.
        var fetched = new List<(FeedApi.FeedEntry Entry, ReceivedItem? Item, ItemRefusal? Refusal)>();
        long bytes = 0;
        int applied = 0, quarantined = 0;
        foreach (var entry in page.Items)
        {
            if (receiver.Precheck(entry, peer) is { } early)
            {
                fetched.Add((entry, null, early));
                continue;
            }
            // A local cap, not proof the item is false: the pull stops here (the peer turns unhealthy) rather than
            // quarantine it and move past, which would lose the item for good and break its list's chain.
            if (entry.Size > Options.MaxObjectBytes || entry.Size < 0)
                throw new PeerAnswerRefused(PeerAnswerRefused.ObjectTooLarge,
                    $"{entry.Kind} {entry.Id} declares {entry.Size} bytes; this node takes at most {Options.MaxObjectBytes} (Node:Sync:MaxObjectBytes)");
            var content = await Download(peer, entry.ContentSha256, entry.Size, ct);
            var signature = entry.SignatureSha256 is { } sig ? await Download(peer, sig, SyncOptions.MaxSignatureBytes, ct) : null;
            bytes += content.Length + (signature?.Length ?? 0);
            fetched.Add((entry, new ReceivedItem(entry, content, signature, "pull"), null));
            if (bytes >= Options.PageBudgetBytes)
            {
                (state, var a, var q) = await Apply(peer, state, fetched, bytes, page.Head, ct);
                (applied, quarantined, bytes) = (applied + a, quarantined + q, 0);
                fetched.Clear();
            }
        }
        if (fetched.Count > 0 || page.Items.Count == 0)
        {
            (state, var a, var q) = await Apply(peer, state, fetched, bytes, page.Head, ct);
            (applied, quarantined) = (applied + a, quarantined + q);
        }
        return (state, applied, quarantined);
    }

    /// <summary>Receives <paramref name="fetched"/> item by item and moves the cursor past the last, in one transaction.</summary>
    private async Task<(PeerSyncState, int, int)> Apply(PeerSettings peer, PeerSyncState state, List<(FeedApi.FeedEntry Entry, ReceivedItem? Item, ItemRefusal? Refusal)> fetched,
        long bytes, long head, CancellationToken ct)
    {
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
            Cursor = fetched.Count > 0 ? fetched[^1].Entry.Position : state.Cursor,
            Head = Math.Max(head, state.Cursor),
            LastSuccess = now,
            LastAttempt = now,
            LastError = null,
            LastReason = null,
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

    /// <summary>One object, at most <paramref name="declared"/> bytes (what the feed entry says it is, already checked
    /// against the node's cap): a peer that sends more, or stalls, is cut off.</summary>
    private async Task<byte[]> Download(PeerSettings peer, string sha256, long declared, CancellationToken ct)
    {
        using var response = await BoundedBody.GetAsync(clients.For(peer), $"federation/v1/objects/{sha256}", Options.IdleRead, ct);
        if (!response.IsSuccessStatusCode) throw new PeerAnswerRefused("object-unavailable", $"object {sha256}: HTTP {(int)response.StatusCode}");
        return await BoundedBody.ReadAsync(response.Content, declared, PeerAnswerRefused.ObjectTooLarge, Options.IdleRead, ct);
    }

    private async Task<PeerSyncState> LoadState(NodeId peer, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<PeerSyncState>(peer.Value, ct) ?? PeerSyncState.New(peer.Value);
    }
}

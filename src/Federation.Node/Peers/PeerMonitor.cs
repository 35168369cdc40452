using System.Security.Cryptography;
using Federation.Core.Descriptors;
using Federation.Node.Hosting;
using Marten;
using Npgsql;

namespace Federation.Node.Peers;

/// <summary>
/// Fetches every peer's signed descriptor over mTLS, verifies it against that peer's pinned CA, and records
/// reachability. Peers are refreshed in parallel with a per-peer timeout, so one peer that is down or slow never
/// delays the others. Re-entrant: refreshes of one peer overlap (the job, an operator, and the witness endpoint and
/// cosigning, which refresh a peer on first contact, on any instance), so each records what it fetched under the
/// peer's lock, against the status as it is then: a new descriptor is one event, and no failure is counted over another.
/// </summary>
public sealed class PeerMonitor(NodeSettingsMonitor settings, PeerClient clients, IDocumentStore store, NpgsqlDataSource db, TimeProvider time,
    Sync.SyncOptions options, ILogger<PeerMonitor> log)
{
    public const string DescriptorPath = "federation/v1/node";
    private static readonly TimeSpan PerPeerTimeout = TimeSpan.FromSeconds(15);

    public async Task<IReadOnlyList<PeerStatus>> RefreshAllAsync(CancellationToken ct)
    {
        var peers = settings.Current.Peers.Values.ToList();
        return await Task.WhenAll(peers.Select(p => RefreshAsync(p, ct)));
    }

    public async Task<PeerStatus> RefreshAsync(PeerSettings peer, CancellationToken ct)
    {
        var id = peer.NodeId.Value;
        var now = time.GetUtcNow();
        var (fetched, error) = await FetchAsync(peer, ct);

        // The fetch is over the network, so outside the lock; the read of the status it changes is inside. Without the
        // lock, two first contacts both saw no descriptor and both started the peer's event stream: the slower one
        // failed on the stream's primary key, and so did the witness request that had caused it.
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", conn, tx))
        {
            lockCmd.Parameters.Add(new NpgsqlParameter { Value = Stream(id) });
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx));
        var previous = await session.LoadAsync<PeerStatus>(id, ct);
        PeerStatus status;
        if (fetched is not null)
        {
            status = new PeerStatus(id, now, now, null, 0, fetched.Digest, fetched.Descriptor);
            if (previous?.DescriptorDigest != fetched.Digest)
                session.Events.Append(Stream(id), new PeerDescriptorAccepted(id, fetched.Digest, fetched.Signer, now));
        }
        else
        {
            status = new PeerStatus(id, now, previous?.LastSuccess, error, (previous?.ConsecutiveFailures ?? 0) + 1,
                previous?.DescriptorDigest, previous?.Descriptor);
        }
        session.Store(status);
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return status;
    }

    /// <summary>The peer's event stream, whose name also keys the lock its refreshes record under.</summary>
    public static string Stream(string peerId) => "peer:" + peerId;

    private sealed record Fetched(NodeDescriptor Descriptor, string Digest, string Signer);

    /// <summary>The peer's verified descriptor, or why there is none.</summary>
    private async Task<(Fetched? Fetched, string? Error)> FetchAsync(PeerSettings peer, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(PerPeerTimeout);
            using var response = await BoundedBody.GetAsync(clients.For(peer), DescriptorPath, options.IdleRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
                throw new PeerUnavailableException($"HTTP {(int)response.StatusCode} from {peer.BaseUrl}{DescriptorPath}");
            // Counted as it arrives, so a giant or endless descriptor costs at most the cap, not the whole body.
            var envelope = await BoundedBody.ReadAsync(response.Content, Sync.SyncOptions.MaxDescriptorBytes, PeerAnswerRefused.DescriptorTooLarge,
                options.IdleRead, timeout.Token);
            var result = DescriptorVerifier.Verify(envelope, peer.NodeId, peer.Anchor, time.GetUtcNow(), peer.LogOrigin);
            if (!result.Valid) throw new PeerUnavailableException($"descriptor refused: {result.Reason} ({result.Detail})");
            return (new Fetched(result.Descriptor!, Convert.ToHexStringLower(SHA256.HashData(result.Descriptor!.Encode())), result.Detail), null);
        }
        catch (Exception e) when (e is HttpRequestException or PeerUnavailableException or PeerAnswerRefused or TaskCanceledException or IOException)
        {
            if (ct.IsCancellationRequested) throw;
            var reason = e is PeerAnswerRefused r ? $"{r.Reason}: {r.Detail}" : e is TaskCanceledException ? $"{PeerAnswerRefused.PeerTooSlow}: timed out after {PerPeerTimeout.TotalSeconds:0} s" : Flatten(e);
            log.LogWarning("Peer {Peer} unreachable: {Reason}", peer.NodeId, reason);
            return (null, reason);
        }
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : $"{e.Message} <- {Flatten(e.InnerException)}";

    private sealed class PeerUnavailableException(string message) : Exception(message);
}

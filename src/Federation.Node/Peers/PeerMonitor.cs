using System.Security.Cryptography;
using Federation.Core.Descriptors;
using Federation.Node.Hosting;
using Marten;

namespace Federation.Node.Peers;

/// <summary>
/// Fetches every peer's signed descriptor over mTLS, verifies it against that peer's pinned CA, and records
/// reachability. Peers are refreshed in parallel with a per-peer timeout, so one peer that is down or slow never
/// delays the others. Re-entrant: two overlapping runs only write the same status twice.
/// </summary>
public sealed class PeerMonitor(NodeSettingsMonitor settings, PeerClient clients, IDocumentStore store, TimeProvider time, ILogger<PeerMonitor> log)
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
        await using var session = store.LightweightSession();
        var previous = await session.LoadAsync<PeerStatus>(peer.NodeId.Value, ct);
        var now = time.GetUtcNow();
        PeerStatus status;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(PerPeerTimeout);
            using var response = await clients.For(peer).GetAsync(DescriptorPath, timeout.Token);
            if (!response.IsSuccessStatusCode)
                throw new PeerUnavailableException($"HTTP {(int)response.StatusCode} from {peer.BaseUrl}{DescriptorPath}");
            var envelope = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            if (envelope.Length > 256 * 1024) throw new PeerUnavailableException("descriptor larger than 256 KiB");
            var result = DescriptorVerifier.Verify(envelope, peer.NodeId, peer.Anchor, time.GetUtcNow());
            if (!result.Valid) throw new PeerUnavailableException($"descriptor refused: {result.Reason} ({result.Detail})");
            var digest = Convert.ToHexStringLower(SHA256.HashData(result.Descriptor!.Encode()));
            status = new PeerStatus(peer.NodeId.Value, now, now, null, 0, digest, result.Descriptor);
            if (previous?.DescriptorDigest != digest)
                session.Events.Append("peer:" + peer.NodeId, new PeerDescriptorAccepted(peer.NodeId.Value, digest, result.Detail, now));
        }
        catch (Exception e) when (e is HttpRequestException or PeerUnavailableException or TaskCanceledException or IOException)
        {
            if (ct.IsCancellationRequested) throw;
            var reason = e is TaskCanceledException ? $"timed out after {PerPeerTimeout.TotalSeconds:0} s" : Flatten(e);
            log.LogWarning("Peer {Peer} unreachable: {Reason}", peer.NodeId, reason);
            status = new PeerStatus(peer.NodeId.Value, now, previous?.LastSuccess, reason, (previous?.ConsecutiveFailures ?? 0) + 1,
                previous?.DescriptorDigest, previous?.Descriptor);
        }
        session.Store(status);
        await session.SaveChangesAsync(ct);
        return status;
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : $"{e.Message} <- {Flatten(e.InnerException)}";

    private sealed class PeerUnavailableException(string message) : Exception(message);
}

using System.Net;
using Federation.Node.Hosting;
using Federation.Node.Peers;

namespace Federation.Node.Ledger;

/// <summary>
/// What each peer, as a witness, has seen of this node's log: every peer is asked at once for
/// <c>GET /federation/v1/witness/{this log's origin}/latest</c> (a timeout each, bounded reads), and its answer is
/// relayed as served. This node cannot forge a peer's cosignature, so an auditor checks the answers offline
/// (<c>fedaudit verify --witnessed</c>): a peer that saw a larger tree than the export shows that history was cut back.
/// </summary>
public sealed class WitnessViews(NodeSettingsMonitor settings, PeerClient clients, LedgerSettings ledger, Sync.SyncOptions options, ILogger<WitnessViews> logger)
{
    private static readonly TimeSpan PerPeerTimeout = TimeSpan.FromSeconds(15);

    /// <summary>A checkpoint note and one cosignature line: a peer answering more is cut off, not buffered.</summary>
    public const int MaxAnswerBytes = 16 * 1024;

    /// <summary>One peer's answer: the signed note it served (200), or the status and problem it answered, or why there was none.</summary>
    public sealed record View(string Witness, int? Status, string? Checkpoint, string? Detail);

    public async Task<IReadOnlyList<View>> CollectAsync(CancellationToken ct)
    {
        var peers = settings.Current.Peers.Values.OrderBy(p => p.NodeId.Value, StringComparer.Ordinal).ToList();
        return await Task.WhenAll(peers.Select(p => AskAsync(p, ct)));
    }

    private async Task<View> AskAsync(PeerSettings peer, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PerPeerTimeout);
        try
        {
            using var response = await BoundedBody.GetAsync(clients.For(peer), WitnessApi.LatestPathOf(ledger.Origin).TrimStart('/'), options.IdleRead, timeout.Token);
            var text = System.Text.Encoding.UTF8.GetString(
                await BoundedBody.ReadAsync(response.Content, MaxAnswerBytes, PeerAnswerRefused.AnswerTooLarge, options.IdleRead, timeout.Token));
            if (response.StatusCode == HttpStatusCode.OK) return new View(peer.NodeId.Value, 200, text, null);
            logger.LogWarning("Peer {Peer} gave no view of this log: HTTP {Status} {Body}", peer.NodeId, (int)response.StatusCode, text);
            return new View(peer.NodeId.Value, (int)response.StatusCode, null, text);
        }
        catch (PeerAnswerRefused refused) when (!ct.IsCancellationRequested)
        {
            return new View(peer.NodeId.Value, null, null, $"{refused.Reason}: {refused.Detail}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !ct.IsCancellationRequested)
        {
            return new View(peer.NodeId.Value, null, null, e is TaskCanceledException ? "timed out" : e.Message);
        }
    }
}

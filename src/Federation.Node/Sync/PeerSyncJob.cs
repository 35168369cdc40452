using Federation.Core.Identity;
using Hangfire;

namespace Federation.Node.Sync;

/// <summary>Hangfire adapter: one recurring pull per configured peer. Re-entrant; the work is in <see cref="PeerSync"/>.</summary>
public sealed class PeerSyncJob(PeerSync sync)
{
    public static string IdFor(NodeId peer) => "peer-sync:" + peer;

    // No Hangfire retry: the next recurrence is the retry, and PeerSync backs off after failures by itself.
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(string peer, CancellationToken ct) => await sync.SyncAsync(NodeId.Parse(peer), force: false, ct);
}

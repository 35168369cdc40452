using Hangfire;

namespace Federation.Node.Peers;

/// <summary>Hangfire adapter: the recurring refresh of every peer's descriptor. The work is in <see cref="PeerMonitor"/>.</summary>
public sealed class PeerRefreshJob(PeerMonitor monitor)
{
    public const string Id = "peer-refresh";

    [AutomaticRetry(Attempts = 0)] // the next recurrence is the retry; a stale refresh is worthless
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task RunAsync(CancellationToken ct) => await monitor.RefreshAllAsync(ct);
}

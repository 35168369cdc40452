using Hangfire;

namespace Federation.Node.Ledger;

/// <summary>Hangfire adapter: signs a checkpoint when one is due, then asks the peers that have not cosigned the latest
/// checkpoint to witness it. The work is in <see cref="LedgerCheckpoints"/> and <see cref="Witnessing"/>; safe to run twice.</summary>
public sealed class LedgerCheckpointJob(LedgerCheckpoints checkpoints, Witnessing witnessing)
{
    public const string Id = "ledger-checkpoint";

    [AutomaticRetry(Attempts = 0)] // the next recurrence is the retry
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task RunAsync(CancellationToken ct)
    {
        var latest = await checkpoints.SignIfDueAsync(ct) ?? await checkpoints.LatestAsync(ct);
        if (latest is not null) await witnessing.CollectAsync(latest, ct);
    }

    /// <summary>Every <see cref="LedgerSettings.CheckpointInterval"/> when it divides a minute, otherwise every minute
    /// (the policy, not the schedule, enforces the minimum interval).</summary>
    public static void Schedule(IRecurringJobManager jobs, LedgerSettings ledger)
    {
        var seconds = (int)ledger.CheckpointInterval.TotalSeconds;
        var cron = seconds < 60 && 60 % seconds == 0 ? $"*/{seconds} * * * * *" : "* * * * *";
        jobs.AddOrUpdate<LedgerCheckpointJob>(Id, j => j.RunAsync(CancellationToken.None), cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
    }
}

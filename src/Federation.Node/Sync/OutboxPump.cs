using Federation.Node.Hosting;
using Federation.Node.Storage;
using Npgsql;

namespace Federation.Node.Sync;

/// <summary>
/// Runs <see cref="OutboxDelivery"/> within moments of a commit that enqueued a push: it LISTENs on the outbox channel,
/// which <see cref="FeedWriter"/> NOTIFYs in the writer's transaction (PostgreSQL delivers it at commit, never on
/// rollback). The outbox table is the truth; the pump also sweeps every <see cref="SweepInterval"/> for pushes whose
/// back-off has run out or whose notification it missed (e.g. while its connection was being re-opened).
/// </summary>
public sealed class OutboxPump(NodeSettingsMonitor settings, OutboxDelivery delivery, NpgsqlDataSource db, ILogger<OutboxPump> log) : BackgroundService
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {FeedWriter.OutboxChannel(settings.Current.Schema)}", conn))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await delivery.DeliverDueAsync(stoppingToken);
                    // Returns at a notification (a push was committed) or after the sweep interval.
                    await conn.WaitAsync(SweepInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
            {
                log.LogWarning("The outbox pump failed and restarts shortly: {Error}", e.Message);
                await Task.Delay(SweepInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}

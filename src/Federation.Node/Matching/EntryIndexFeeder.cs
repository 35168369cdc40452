using System.Threading.Channels;
using Federation.Node.Hosting;
using Npgsql;

namespace Federation.Node.Matching;

/// <summary>
/// Keeps <see cref="EntryIndex"/> current: listens on <see cref="MatchingTables.Channel"/> first, then loads the index,
/// then catches up every list (whatever committed between the snapshot and now), then catches up each list that a
/// notification names. PostgreSQL sends a notification only when its transaction commits, so the index never shows
/// a release that was rolled back. If the listening connection breaks, it reconnects and catches up every list,
/// since notifications sent meanwhile are lost; that compares versions, it does not rebuild.
/// </summary>
public sealed class EntryIndexFeeder(EntryIndex index, NodeSettingsMonitor settings, NpgsqlDataSource db, ILogger<EntryIndexFeeder> log) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FollowAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or Core.Releases.ReleaseFormatException)
            {
                log.LogError("Match index update failed, retrying in {Seconds} s: {Reason}", RetryAfter.TotalSeconds, e.Message);
                await Task.Delay(RetryAfter, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task FollowAsync(CancellationToken ct)
    {
        var schema = settings.Current.Schema;
        var changed = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        await using var conn = await db.OpenConnectionAsync(ct);
        conn.Notification += (_, e) => changed.Writer.TryWrite(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN \"{MatchingTables.Channel(schema)}\"", conn))
            await listen.ExecuteNonQueryAsync(ct);

        await index.LoadAsync(ct);
        await index.CatchUpAsync(null, ct);
        while (true)
        {
            await conn.WaitAsync(ct);
            var lists = new HashSet<string>(StringComparer.Ordinal);
            while (changed.Reader.TryRead(out var list)) lists.Add(list);
            foreach (var list in lists) await index.CatchUpAsync(list, ct);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Federation.Core.Identity;
using Federation.Core.Releases;
using Federation.Node.Hosting;
using Federation.Node.Lists;
using Federation.Node.Messaging;
using Federation.Node.Peers;
using Federation.Benchmarks.Releases;
using Federation.Node.Sync;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Federation.Benchmarks.BenchSql;

namespace Federation.Benchmarks.Sync;

/// <summary>
/// End to end on loopback between two real nodes in this process (Kestrel, mTLS, PostgreSQL): kr-knpa publishes a
/// release of N entries for fr-ofmin, and fr-ofmin pulls, verifies and stores it (<see cref="PeerSync"/>, as the job
/// runs it). In the same round, the same bytes are fetched once more over the same mTLS client (transfer), verified
/// once more (verification), and their rows binary-COPYed into a plain table (the raw baseline); storage is the rest of
/// the sync's time. Then kr-knpa pushes small messages to fr-ofmin: send (commit) → stored valid receipt, per message.
/// Goals (issue 4): sync ≤ 20 s for 1,000,000 entries, ≤ 2 × (transfer + raw COPY); push p50 &lt; 200 ms.
/// </summary>
public static class SyncBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var entries = Option(args, "--entries", 1_000_000);
        var rounds = Option(args, "--rounds", 2);
        var pushes = Option(args, "--pushes", 100);
        var admin = Environment.GetEnvironmentVariable("FEDERATION_BENCH_DB") ?? $"Host=/var/run/postgresql;Username={Environment.UserName};Database=postgres";

        await using var kr = new BenchNode("kr-knpa", admin);
        await using var fr = new BenchNode("fr-ofmin", admin);
        kr.Peers.Add(fr);
        fr.Peers.Add(kr);
        await kr.StartAsync();
        await fr.StartAsync();
        var frDb = fr.Services.GetRequiredService<NpgsqlDataSource>();
        await Exec(frDb, "CREATE TABLE fed.raw_entries (LIKE fed.active_entries INCLUDING ALL)");
        Console.WriteLine($"{entries:N0} entries per release; PostgreSQL {await Scalar(frDb, "SHOW server_version")}, synchronous_commit={await Scalar(frDb, "SHOW synchronous_commit")}, " +
            $"{Environment.ProcessorCount} CPUs, load average {LoadAverage()}");
        Console.WriteLine("round   release MB   sync s   transfer s   verify s   storage s (rest)   raw COPY s   ratio sync/(transfer+COPY)");

        var ratios = new List<double>();
        var totals = new List<double>();
        for (var round = 0; round <= rounds; round++)
        {
            // Round 0 warms up the JIT, the connections and the table files with a tenth of the entries.
            var n = round == 0 ? Math.Max(1000, entries / 10) : entries;
            var list = $"bench-{round}";
            using (var officer = kr.Officer())
            using (var created = await officer.PostAsJsonAsync("api/v1/lists", new { id = list, title = list, audience = "fr-ofmin", tlp = "AMBER" }))
                created.EnsureSuccessStatusCode();
            var published = await kr.Services.GetRequiredService<ReleasePublisher>().PublishAsync(ListId.Parse(list), Csv(n), TimeSpan.FromDays(30), "bench", CancellationToken.None);

            var sync = fr.Services.GetRequiredService<PeerSync>();
            var total = Stopwatch.StartNew();
            var outcome = await sync.SyncAsync(NodeId.Parse("kr-knpa"), force: true, CancellationToken.None);
            total.Stop();
            if (outcome.Status != "ok" || outcome.Applied != 1) throw new InvalidOperationException($"the sync did not apply the release: {outcome}");

            var frSettings = fr.Services.GetRequiredService<NodeSettingsMonitor>().Current;
            var peer = frSettings.Peers[NodeId.Parse("kr-knpa")];
            var client = fr.Services.GetRequiredService<PeerClient>().For(peer);
            var transfer = Stopwatch.StartNew();
            var content = await client.GetByteArrayAsync($"federation/v1/objects/{published.Digest}");
            var signature = await client.GetByteArrayAsync($"federation/v1/objects/{published.SignatureSha256}");
            transfer.Stop();

            var verify = Stopwatch.StartNew();
            var check = await new ReleaseVerifier(TimeProvider.System).VerifyAsync(new MemoryStream(content), signature, peer.Anchor, peer.NodeId, null);
            verify.Stop();
            if (!check.Accepted) throw new InvalidOperationException(check.ToString());

            var rows = await RawEntries.DecodeAsync(content, n);
            await Exec(frDb, "TRUNCATE fed.raw_entries");
            var copy = Stopwatch.StartNew();
            await RawEntries.CopyAsync(frDb, list, rows);
            copy.Stop();

            var storage = total.Elapsed - transfer.Elapsed - verify.Elapsed;
            var ratio = total.Elapsed.TotalSeconds / (transfer.Elapsed + copy.Elapsed).TotalSeconds;
            if (round > 0)
            {
                ratios.Add(ratio);
                totals.Add(total.Elapsed.TotalSeconds);
            }
            Console.WriteLine($"{(round == 0 ? "warm" : round.ToString(CultureInfo.InvariantCulture)),5}   {content.Length / 1e6,10:F1}   {total.Elapsed.TotalSeconds,6:F2}   " +
                $"{transfer.Elapsed.TotalSeconds,10:F2}   {verify.Elapsed.TotalSeconds,8:F2}   {storage.TotalSeconds,17:F2}   {copy.Elapsed.TotalSeconds,10:F2}   {ratio,5:F2}");
        }
        Console.WriteLine($"median sync {Median(totals):F2} s (goal ≤ 20), median ratio {Median(ratios):F2} (goal ≤ 2)");

        var latencies = new List<double>();
        var sender = kr.Services.GetRequiredService<MessageSender>();
        var delivery = kr.Services.GetRequiredService<OutboxDelivery>();
        var krDb = kr.Services.GetRequiredService<NpgsqlDataSource>();
        // The smaller releases above were queued for push too (a named audience, under the push limit): settle them first.
        await delivery.DeliverAsync(NodeId.Parse("fr-ofmin"), force: true, CancellationToken.None);
        for (var i = 0; i < pushes + 5; i++)
        {
            var clock = Stopwatch.StartNew();
            await using (var conn = await krDb.OpenConnectionAsync())
            await using (var tx = await conn.BeginTransactionAsync())
            {
                await sender.SendAsync(conn, tx, new OutgoingMessage(MessageKind.Message, "bench.ping", [NodeId.Parse("fr-ofmin")],
                    JsonSerializer.SerializeToElement(new { i }), TimeSpan.FromHours(1)), CancellationToken.None);
                await tx.CommitAsync();
            }
            var round = await delivery.DeliverAsync(NodeId.Parse("fr-ofmin"), force: false, CancellationToken.None);
            clock.Stop();
            if (round.Delivered != 1) throw new InvalidOperationException($"push {i} not delivered: {round}");
            if (i >= 5) latencies.Add(clock.Elapsed.TotalMilliseconds); // the first few warm up the inbox path
        }
        latencies.Sort();
        Console.WriteLine($"push send → stored receipt, {latencies.Count} messages: p50 {latencies[latencies.Count / 2]:F1} ms, " +
            $"p95 {latencies[(int)(latencies.Count * 0.95)]:F1} ms, max {latencies[^1]:F1} ms (goal p50 < 200)");
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"peak working set {process.PeakWorkingSet64 / 1e6:F0} MB (both nodes and the comparison's copies in one process); load average after {LoadAverage()}");
        return 0;
    }

    private static Stream Csv(int count)
    {
        var text = new StringBuilder("signal,value,classification\n", count * 90);
        var buffer = new byte[32];
        for (var i = 0; i < count; i++)
        {
            RandomNumberGenerator.Fill(buffer);
            var (signal, length) = (i % 10) switch { < 4 => ("sha256", 32), < 7 => ("md5", 16), _ => ("pdq", 32) };
            text.Append(signal).Append(',').Append(Convert.ToHexStringLower(buffer.AsSpan(0, length))).Append(",deepfake-ncii\n");
        }
        return new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static double Median(List<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}

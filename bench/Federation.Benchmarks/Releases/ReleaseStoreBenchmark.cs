using System.Diagnostics;
using System.Security.Cryptography;
using Federation.Core.Identity;
using Federation.Core.Releases;
using Federation.Node.Lists;
using Federation.Node.Storage;
using Npgsql;
using static Federation.Benchmarks.BenchSql;

namespace Federation.Benchmarks.Releases;

/// <summary>
/// Storing a million-entry release's entries in PostgreSQL the way the node does (<see cref="ActiveEntries"/>: read
/// the release, binary COPY into the active-entries table, count, commit) against a raw Npgsql binary COPY of the
/// same rows, already decoded in memory, into an identical table — in the same run, the same database.
/// Goal (issue 3): node ≤ 1.5 × raw. Database: FEDERATION_BENCH_DB (an admin connection string; default the local
/// cluster over its socket), a throw-away database per run.
/// </summary>
public static class ReleaseStoreBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var entries = args.Length > 1 && args[0] == "--entries" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var admin = Environment.GetEnvironmentVariable("FEDERATION_BENCH_DB") ?? $"Host=/var/run/postgresql;Username={Environment.UserName};Database=postgres";
        var dbName = "bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var c = new NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {dbName}", c);
            await create.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = dbName }.ConnectionString;
        try
        {
            await DatabaseMigrator.MigrateAsync(cs, cs, "fed");
            await using var db = NpgsqlDataSource.Create(cs);
            await Exec(db, "CREATE TABLE fed.raw_entries (LIKE fed.active_entries INCLUDING ALL)");

            var release = await MakeRelease(entries);
            var summary = await ReleaseSummary.ReadAsync(new MemoryStream(release));
            var rows = await RawEntries.DecodeAsync(release, entries);
            Console.WriteLine($"{entries:N0} entries, release {release.Length / 1e6:F1} MB; PostgreSQL {await Scalar(db, "SHOW server_version")}, " +
                $"synchronous_commit={await Scalar(db, "SHOW synchronous_commit")}, {Environment.ProcessorCount} CPUs");
            Console.WriteLine("round   node (ActiveEntries) s   raw COPY s   ratio");
            var ratios = new List<double>();
            for (var round = 0; round <= 3; round++)
            {
                await Exec(db, "TRUNCATE fed.active_entries, fed.raw_entries");
                var node = Stopwatch.StartNew();
                await using (var conn = await db.OpenConnectionAsync())
                await using (var tx = await conn.BeginTransactionAsync())
                {
                    await ActiveEntries.ApplyAsync(conn, tx, "fed", summary, new MemoryStream(release), CancellationToken.None);
                    await tx.CommitAsync();
                }
                node.Stop();
                var raw = Stopwatch.StartNew();
                await RawEntries.CopyAsync(db, "bench", rows);
                raw.Stop();
                var ratio = node.Elapsed.TotalSeconds / raw.Elapsed.TotalSeconds;
                if (round > 0) ratios.Add(ratio); // round 0 warms up the JIT and the table files
                Console.WriteLine($"{(round == 0 ? "warm" : round.ToString(System.Globalization.CultureInfo.InvariantCulture)),5}   {node.Elapsed.TotalSeconds,22:F2}   {raw.Elapsed.TotalSeconds,10:F2}   {ratio,5:F2}");
            }
            Console.WriteLine($"median ratio node/raw: {ratios.Order().ElementAt(ratios.Count / 2):F2} (goal ≤ 1.5)");
            using var process = Process.GetCurrentProcess();
            Console.WriteLine($"peak working set {process.PeakWorkingSet64 / 1e6:F0} MB (release and decoded rows held in memory for the comparison)");
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var c = new NpgsqlConnection(admin);
            await c.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {dbName} WITH (FORCE)", c);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task<byte[]> MakeRelease(int count)
    {
        var label = new EntryLabel(Classification.DeepfakeNcii);
        async IAsyncEnumerable<SourcedChange> Changes()
        {
            var buffer = new byte[32];
            for (var i = 0; i < count; i++)
            {
                RandomNumberGenerator.Fill(buffer);
                var signal = (i % 10) switch { < 4 => SignalType.Sha256, < 7 => SignalType.Md5, _ => SignalType.Pdq };
                yield return new SourcedChange(i + 2, ReleaseChange.Add(SignalValue.FromBytes(signal, buffer.AsSpan(0, signal.Length)), label));
            }
            await Task.CompletedTask;
        }
        var now = DateTimeOffset.UtcNow;
        var header = new ReleaseHeader(ListId.Parse("bench"), NodeId.Parse("kr-knpa"), ReleaseVersion.First, null, now, now.AddDays(30), Audience.AllPeers, TlpLabel.Amber);
        using var output = new MemoryStream();
        await ReleasePacker.PackAsync(header, Changes(), output);
        return output.ToArray();
    }
}

using System.Diagnostics;
using System.Globalization;
using Federation.Core.Matching;
using Federation.Core.Releases;
using Federation.Node.Hosting;
using Federation.Node.Lists;
using Federation.Node.Matching;
using Federation.Node.Storage;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using static Federation.Benchmarks.BenchSql;

namespace Federation.Benchmarks.Matching;

/// <summary>
/// The node's match index built from PostgreSQL as the node builds it: N random PDQ hashes (and M SHA-256 digests) in
/// <c>fed.active_entries</c> of a throw-away database, loaded by <see cref="EntryIndex.LoadAsync"/> (one REPEATABLE
/// READ snapshot, batches of <see cref="EntryIndex.BatchSize"/>). Prints the load time, the index's memory and the
/// process's working set, then query latency at distance 31 and exact lookups through <see cref="EntryIndex.Match"/>.
/// FEDERATION_BENCH_DB: an admin connection string (default the local cluster over its socket as the OS user).
/// </summary>
internal static class MatchNodeBenchmark
{
    private const string Schema = "fed";
    private const string Origin = "kr-knpa";
    private const string ListId = "bench";
    private const int Samples = 2_000; // indexed values kept to build present queries from

    public static async Task<int> RunAsync(string[] args)
    {
        int pdqCount = 10_000_000, shaCount = 1_000_000, queryCount = 2_000;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--hashes" when i + 1 < args.Length && int.TryParse(args[i + 1], out pdqCount) && pdqCount > 0:
                case "--sha256" when i + 1 < args.Length && int.TryParse(args[i + 1], out shaCount) && shaCount > 0:
                case "--queries" when i + 1 < args.Length && int.TryParse(args[i + 1], out queryCount) && queryCount > 0:
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"matching-node: cannot use '{args[i]}'; options: --hashes N (PDQ, default 10,000,000), --sha256 N (default 1,000,000), --queries N (default 2,000)");
                    return 2;
            }
        }
        var admin = Environment.GetEnvironmentVariable("FEDERATION_BENCH_DB") is { Length: > 0 } a
            ? a : $"Host=/var/run/postgresql;Username={Environment.UserName};Database=postgres";
        var database = "fed_bench_" + Guid.NewGuid().ToString("N")[..12];
        await Execute(admin, $"CREATE DATABASE {database}");
        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = database, CommandTimeout = 0 }.ConnectionString; // index builds over 10^7 rows take minutes
        try
        {
            await DatabaseMigrator.MigrateAsync(cs, cs, Schema);
            await using var db = NpgsqlDataSource.Create(cs);
            Console.WriteLine($"matching-node: {pdqCount:N0} PDQ hashes and {shaCount:N0} SHA-256 digests in {Schema}.active_entries; "
                + $".NET {Environment.Version}, {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}, "
                + $"PostgreSQL {await Scalar(db, "SHOW server_version")}; {LoadAverage.Now()}");

            var fill = Stopwatch.StartNew();
            var (pdqSamples, shaSamples) = await FillAsync(db, pdqCount, shaCount);
            Console.WriteLine($"  fill (binary COPY, then the primary key and value index built, ANALYZE): {fill.Elapsed.TotalSeconds:F0} s; "
                + $"table and indexes {long.Parse(await Scalar(db, $"SELECT pg_total_relation_size('{Schema}.active_entries')"), CultureInfo.InvariantCulture) / 1e9:F2} GB");

            await using var store = DocumentStore.For(o => MartenSetup.Configure(o, cs, Schema, mayChangeSchema: false));
            await using (var session = store.LightweightSession())
            {
                var now = DateTimeOffset.UtcNow;
                session.Store(new HashList(HashList.Key(Origin, ListId), Origin, ListId, "bench", "all-peers", "amber", 1, null, null, pdqCount + shaCount, now, now));
                await session.SaveChangesAsync();
            }

            var (settings, configuration) = DevNodeSettings(cs);
            using var monitor = new NodeSettingsMonitor(settings, configuration, new HostingEnvironment { EnvironmentName = "Development" }, TimeProvider.System, NullLogger<NodeSettingsMonitor>.Instance);
            var before = SettledManagedBytes();
            var workingSetBefore = Environment.WorkingSet;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.StartNew();
            using var index = new EntryIndex(MatchingOptions.Load(configuration), monitor, db, store, NullLogger<EntryIndex>.Instance);
            await index.LoadAsync(CancellationToken.None);
            started.Stop();
            var loadCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var indexBytes = SettledManagedBytes() - before;
            using (var process = Process.GetCurrentProcess())
            {
                Console.WriteLine($"  EntryIndex.LoadAsync: {started.Elapsed.TotalSeconds:F1} s wall, {loadCpu.TotalSeconds:F1} s CPU of this process (PostgreSQL's not counted); {LoadAverage.Now()}");
                Console.WriteLine($"  index: {index.Count.Pdq:N0} PDQ, {index.Count.Sha256:N0} SHA-256; managed memory {indexBytes / 1e6:N0} MB "
                    + $"({(double)indexBytes / (pdqCount + shaCount):F1} bytes/entry) plus the PDQ hashes' native pages; working set grew by {(process.WorkingSet64 - workingSetBefore) / 1e6:N0} MB "
                    + $"(managed and native, and whatever the GC kept of the load's garbage) to {process.WorkingSet64 / 1e6:N0} MB, peak {process.PeakWorkingSet64 / 1e6:N0} MB, {HugePageUsage.Now()}");
            }

            var random = new Random(20261125);
            var queries = Enumerable.Range(0, queryCount)
                .Select(q => q % 2 == 0 ? FlipBits(pdqSamples[random.Next(pdqSamples.Count)], random.Next(32), random) : RandomHash(random))
                .ToArray();
            foreach (var query in queries.Take(100)) index.Match(Pdq(query)); // warm-up
            var timings = new Timings();
            var hits = queries.Sum(query => timings.Measure(() => index.Match(Pdq(query)).Count));
            Console.WriteLine($"  query at distance 31 ({queryCount:N0} back to back, half near-duplicates, {hits:N0} hits): {timings.Summary("F3")}, max {timings.MaxWall:F1} ms");

            var lookups = Enumerable.Range(0, 100_000)
                .Select(i => i % 2 == 0 ? shaSamples[random.Next(shaSamples.Count)] : RandomDigest(random))
                .ToArray();
            foreach (var digest in lookups.Take(1000)) index.Match(new MediaSignals(Sha256: digest));
            var times = new double[lookups.Length];
            var found = 0;
            for (var i = 0; i < lookups.Length; i++)
            {
                var t = Stopwatch.GetTimestamp();
                found += index.Match(new MediaSignals(Sha256: lookups[i])).Count;
                times[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
            }
            Console.WriteLine($"  exact SHA-256 lookup (100,000, half present, {found:N0} hits): p50 {Stats.Percentile(times, 50):F1} µs, p99 {Stats.Percentile(times, 99):F1} µs; {LoadAverage.Now()}");
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Execute(admin, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    /// <summary>
    /// Random rows by binary COPY, keeping every k-th value to query with. The table's primary key and value index are
    /// dropped for the COPY and built afterwards: the same table the node would have, without ten million random-key
    /// B-tree inserts, which only slow the filling.
    /// </summary>
    private static async Task<(List<PdqHash> Pdq, List<Sha256Hash> Sha256)> FillAsync(NpgsqlDataSource db, int pdqCount, int shaCount)
    {
        var random = new Random(20261124);
        var pdq = new List<PdqHash>(Samples);
        var sha = new List<Sha256Hash>(Samples);
        await Exec(db, $"ALTER TABLE {Schema}.active_entries DROP CONSTRAINT active_entries_pkey; DROP INDEX {Schema}.active_entries_by_value");
        await using (var conn = await db.OpenConnectionAsync())
        await using (var copy = await conn.BeginBinaryImportAsync(
            $"COPY {Schema}.active_entries (origin, list_id, signal, value, classification, release_version) FROM STDIN (FORMAT BINARY)"))
        {
            var classification = Classification.DeepfakeNcii.Value;
            var digest = new byte[32];
            for (var i = 0; i < pdqCount + shaCount; i++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Origin, NpgsqlDbType.Text);
                await copy.WriteAsync(ListId, NpgsqlDbType.Text);
                if (i < pdqCount)
                {
                    var hash = RandomHash(random);
                    if (i % Math.Max(1, pdqCount / Samples) == 0) pdq.Add(hash);
                    await copy.WriteAsync((short)SignalType.Pdq.Code, NpgsqlDbType.Smallint);
                    await copy.WriteAsync(SignalBytes.ToBytes(hash), NpgsqlDbType.Bytea);
                }
                else
                {
                    random.NextBytes(digest);
                    if (i % Math.Max(1, shaCount / Samples) == 0) sha.Add(Sha256Hash.FromBytes(digest));
                    await copy.WriteAsync((short)SignalType.Sha256.Code, NpgsqlDbType.Smallint);
                    await copy.WriteAsync(digest, NpgsqlDbType.Bytea);
                }
                await copy.WriteAsync(classification, NpgsqlDbType.Text);
                await copy.WriteAsync(1L, NpgsqlDbType.Bigint);
            }
            await copy.CompleteAsync();
        }
        await Exec(db, $"""
            ALTER TABLE {Schema}.active_entries ADD PRIMARY KEY (origin, list_id, signal, value);
            CREATE INDEX active_entries_by_value ON {Schema}.active_entries (signal, value);
            ANALYZE {Schema}.active_entries;
            """);
        return (pdq, sha);
    }

    /// <summary>kr-knpa's development configuration (deploy/local), pointed at the benchmark database.</summary>
    private static (NodeSettings, IConfiguration) DevNodeSettings(string cs)
    {
        var root = RepoRoot();
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(root, "deploy", "local", "kr-knpa.json"))
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Node:BaseDirectory"] = root,
                ["Node:Database:ConnectionString"] = cs,
                ["Node:Database:OwnerConnectionString"] = cs,
                ["Node:Database:Schema"] = Schema,
            })
            .Build();
        var environment = new HostingEnvironment { EnvironmentName = "Development", ContentRootPath = root };
        return (NodeSettingsLoader.Load(configuration, environment, TimeProvider.System), configuration);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Federation.sln"))) return dir.FullName;
        throw new InvalidOperationException("run from inside the repository: deploy/local and certs-dev/ are needed");
    }

    private static MediaSignals Pdq(PdqHash hash) => new(Pdq: new PdqResult(hash, 100));

    private static PdqHash RandomHash(Random random) => new(Word(random), Word(random), Word(random), Word(random));

    private static Sha256Hash RandomDigest(Random random) => new(Word(random), Word(random), Word(random), Word(random));

    private static PdqHash FlipBits(PdqHash hash, int count, Random random)
    {
        foreach (var bit in Enumerable.Range(0, PdqHash.Bits).OrderBy(_ => random.Next()).Take(count)) hash = hash.FlipBit(bit);
        return hash;
    }

    private static ulong Word(Random random) => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);

    private static long SettledManagedBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

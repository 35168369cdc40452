using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Federation.Node.Storage;
using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;
using static Federation.Benchmarks.BenchSql;

namespace Federation.Benchmarks.Ledger;

/// <summary>
/// The node's ledger on PostgreSQL: append throughput of Marten with the ledger's in-transaction Merkle upkeep
/// against plain Marten, in the same run and the same database (two schemas, rounds alternated), then proof
/// latency over PostgreSQL at a large tree. Needs a PostgreSQL superuser connection in FEDERATION_BENCH_DB (default:
/// the local cluster over its Unix socket as the OS user, as the tests use); creates and drops its own database.
/// </summary>
internal static class LedgerNodeBenchmark
{
    private const int Rounds = 5;

    public sealed record Noted(string CaseId, string Note, decimal Amount, DateTimeOffset At);

    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50_000;
        var proofLeaves = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var admin = Environment.GetEnvironmentVariable("FEDERATION_BENCH_DB") is { Length: > 0 } cs
            ? cs : $"Host=/var/run/postgresql;Username={Environment.UserName};Database=postgres";
        var database = "fed_bench_" + Guid.NewGuid().ToString("N")[..12];
        await Execute(admin, $"CREATE DATABASE {database}");
        var connection = new NpgsqlConnectionStringBuilder(admin) { Database = database, Pooling = true, MaxPoolSize = 50 }.ConnectionString;
        try
        {
            Console.WriteLine($"ledger-node benchmark: {events:N0} events per scenario and store, {Rounds} paired rounds; proofs at {proofLeaves:N0} leaves");
            Console.WriteLine($"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical CPUs, PostgreSQL {await Scalar(connection, "SHOW server_version")}");
            Console.WriteLine();

            await DatabaseMigrator.MigrateAsync(connection, connection, "ledger");
            await using var ledger = DocumentStore.For(o => MartenSetup.Configure(o, connection, "ledger", mayChangeSchema: false));
            await using var plain = DocumentStore.For(o =>
            {
                // MartenSetup without the ledger: the same schema shape, identity and append mode.
                o.Connection(connection);
                o.DatabaseSchemaName = o.Events.DatabaseSchemaName = "plain";
                o.Events.StreamIdentity = StreamIdentity.AsString;
                o.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
            });
            await plain.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

            await Compare("1,000 events per SaveChanges (100 streams × 10)", plain, ledger, events, (store, n) => Batched(store, n, 1000));
            await Compare("1 event per SaveChanges, one writer", plain, ledger, Math.Min(events, 3000), (store, n) => Concurrent(store, n, writers: 1));
            await Compare("1 event per SaveChanges, 8 concurrent writers", plain, ledger, Math.Min(events, 8000), (store, n) => Concurrent(store, n, writers: 8));
            Console.WriteLine();

            await ProofLatency(ledger, connection, proofLeaves);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Execute(admin, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
        return 0;
    }

    private static async Task Compare(string what, IDocumentStore plain, IDocumentStore ledger, int events, Func<IDocumentStore, int, Task> scenario)
    {
        await scenario(plain, Math.Min(events, 2000)); // warm-up: JIT, pools, plans
        await scenario(ledger, Math.Min(events, 2000));
        // Paired rounds, plain then ledger, so both see the same moment of a noisy VM; the ratio is the median of the
        // per-round ratios, the rates are medians too.
        var plainRates = new List<double>();
        var ledgerRates = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            plainRates.Add(events / (await Time(() => scenario(plain, events))).TotalSeconds);
            ledgerRates.Add(events / (await Time(() => scenario(ledger, events))).TotalSeconds);
        }
        var ratios = plainRates.Zip(ledgerRates, (p, l) => l / p).ToList();
        Console.WriteLine($"{what,-50} plain {Median(plainRates),9:N0} ev/s   ledger {Median(ledgerRates),9:N0} ev/s   " +
            $"ledger/plain median {Median(ratios),5:P0} (rounds {string.Join(" ", ratios.Select(r => r.ToString("P0", CultureInfo.InvariantCulture)))})");
    }

    private static async Task Batched(IDocumentStore store, int events, int perSave)
    {
        for (var done = 0; done < events; done += perSave)
        {
            await using var session = store.LightweightSession();
            for (var i = 0; i < Math.Min(perSave, events - done); i++)
                session.Events.Append($"case:{i % 100}", Event(done + i));
            await session.SaveChangesAsync();
        }
    }

    private static Task Concurrent(IDocumentStore store, int events, int writers) =>
        Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < events; i += writers)
            {
                await using var session = store.LightweightSession();
                session.Events.Append($"case:w{w}", Event(i));
                await session.SaveChangesAsync();
            }
        })));

    private static async Task ProofLatency(IDocumentStore ledger, string connection, int leaves)
    {
        var size = ulong.Parse(await Scalar(connection, "SELECT coalesce(max(leaf_index) + 1, 0) FROM ledger.ledger_leaf"), CultureInfo.InvariantCulture);
        var fill = Stopwatch.StartNew();
        for (var done = (int)size; done < leaves; done += 5000)
            await Batched(ledger, Math.Min(5000, leaves - done), 5000);
        size = ulong.Parse(await Scalar(connection, "SELECT coalesce(max(leaf_index) + 1, 0) FROM ledger.ledger_leaf"), CultureInfo.InvariantCulture);
        Console.WriteLine($"filled the ledger to {size:N0} leaves in {fill.Elapsed.TotalSeconds:N0} s");

        await using var db = NpgsqlDataSource.Create(connection);
        await using var conn = await db.OpenConnectionAsync();
        var prover = new MerkleProver(new LedgerNodeReader(conn, null, "ledger"));
        var root = await prover.RootAsync(size);
        var random = new Random(6962);
        const int samples = 2000;
        var indices = Enumerable.Range(0, samples).Select(_ => (ulong)random.NextInt64((long)size)).ToArray();
        var leafHashes = new Dictionary<ulong, MerkleHash>();
        foreach (var chunk in indices.Chunk(500))
            foreach (var (address, hash) in chunk.Zip(await new LedgerNodeReader(conn, null, "ledger").ReadAsync([.. chunk.Select(i => new NodeAddress(0, i))])))
                leafHashes[address] = hash;
        await Latency($"inclusion proof over PostgreSQL (size {size:N0})", samples, async i =>
        {
            var proof = await prover.InclusionProofAsync(indices[i], size);
            if (MerkleProofs.VerifyInclusion(indices[i], size, leafHashes[indices[i]], proof, root) != ProofCheck.Valid)
                throw new InvalidOperationException($"inclusion proof of {indices[i]} did not verify");
        });
        var olds = Enumerable.Range(0, samples).Select(_ => (ulong)random.NextInt64(1, (long)size)).ToArray();
        var oldRoots = new MerkleHash[samples];
        for (var i = 0; i < samples; i++) oldRoots[i] = await prover.RootAsync(olds[i]);
        await Latency($"consistency proof over PostgreSQL (m random, n {size:N0})", samples, async i =>
        {
            var proof = await prover.ConsistencyProofAsync(olds[i], size);
            if (MerkleProofs.VerifyConsistency(olds[i], size, oldRoots[i], root, proof) != ProofCheck.Valid)
                throw new InvalidOperationException($"consistency proof from {olds[i]} did not verify");
        });
    }

    private static Noted Event(int i) => new($"c-{i}", "a case note of a realistic length, with some detail in it", i + 0.5m, DateTimeOffset.UnixEpoch.AddSeconds(i));

    private static async Task Latency(string what, int samples, Func<int, Task> operation)
    {
        for (var i = 0; i < samples / 10; i++) await operation(i);
        var ticks = new long[samples];
        for (var i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await operation(i);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
        Array.Sort(ticks);
        static double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        Console.WriteLine($"{what,-58} p50 {Ms(ticks[samples / 2]),6:N2} ms   p99 {Ms(ticks[samples * 99 / 100]),6:N2} ms   max {Ms(ticks[^1]),6:N2} ms  (incl. verify)");
    }

    private static async Task<TimeSpan> Time(Func<Task> run)
    {
        var watch = Stopwatch.StartNew();
        await run();
        return watch.Elapsed;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

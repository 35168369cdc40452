using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Federation.Core.Ledger;

namespace Federation.Benchmarks.Ledger;

/// <summary>
/// The in-memory Merkle core at a million leaves: append throughput of the compact range with its node writes,
/// and p50/p99 latency of inclusion and consistency proof generation and verification. Latency is timed per
/// operation with Stopwatch after a warm-up; no database is involved (that comparison belongs to the node).
/// </summary>
internal static class LedgerBenchmark
{
    private const int Samples = 20_000;
    private const int BatchSize = 1_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var leaves = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        Console.WriteLine($"ledger benchmark: {leaves:N0} leaves, {Samples:N0} samples per latency figure");
        Console.WriteLine($"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical CPUs");
        Console.WriteLine();

        var entries = Entries(leaves);
        var leafHashes = new MerkleHash[leaves];
        var hashing = Stopwatch.StartNew();
        for (var i = 0; i < leaves; i++) leafHashes[i] = Rfc6962.LeafHash(entries[i]);
        hashing.Stop();
        Report("leaf hashing (128-byte entries)", leaves, hashing.Elapsed);

        // Append one leaf at a time (a new immutable range per leaf, as a node appending event by event would),
        // then in batches (as a node catching up on a page of events would). Best of three runs each.
        var store = new InMemoryMerkleNodeStore();
        var range = CompactRange.Empty;
        var single = Best(3, () =>
        {
            var s = new InMemoryMerkleNodeStore();
            var r = CompactRange.Empty;
            var completed = new List<StoredNode>(64);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < leaves; i++)
            {
                completed.Clear();
                r = r.Append(leafHashes[i], completed);
                s.AddRange(completed);
            }
            watch.Stop();
            (store, range) = (s, r);
            return watch.Elapsed;
        });
        Report("append, one leaf per call (range + node store)", leaves, single);
        var batched = Best(3, () =>
        {
            var s = new InMemoryMerkleNodeStore();
            var r = CompactRange.Empty;
            var completed = new List<StoredNode>(2 * BatchSize + 64);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < leaves; i += BatchSize)
            {
                completed.Clear();
                r = r.Append(leafHashes.AsSpan(i, Math.Min(BatchSize, leaves - i)), completed);
                s.AddRange(completed);
            }
            watch.Stop();
            if (r.RootHash() != range.RootHash()) throw new InvalidOperationException("Batched and single appends disagree.");
            return watch.Elapsed;
        });
        Report($"append, {BatchSize:N0} leaves per call", leaves, batched);
        Console.WriteLine();

        var prover = new MerkleProver(store);
        var size = (ulong)leaves;
        var root = range.RootHash();
        var random = new Random(6962);

        var indices = Enumerable.Range(0, Samples).Select(_ => (ulong)random.NextInt64(leaves)).ToArray();
        var inclusionProofs = new IReadOnlyList<MerkleHash>[Samples];
        await Latency($"inclusion proof, generate (size {leaves:N0})", async i => inclusionProofs[i] = await prover.InclusionProofAsync(indices[i], size));
        await Latency("inclusion proof, verify", i =>
        {
            if (MerkleProofs.VerifyInclusion(indices[i], size, leafHashes[indices[i]], inclusionProofs[i], root) != ProofCheck.Valid)
                throw new InvalidOperationException($"Inclusion proof {indices[i]} did not verify.");
            return ValueTask.CompletedTask;
        });

        var oldSizes = Enumerable.Range(0, Samples).Select(_ => (ulong)random.NextInt64(1, leaves)).ToArray();
        var oldRoots = new MerkleHash[Samples];
        for (var i = 0; i < Samples; i++) oldRoots[i] = await prover.RootAsync(oldSizes[i]);
        var consistencyProofs = new IReadOnlyList<MerkleHash>[Samples];
        await Latency($"consistency proof, generate (m random, n {leaves:N0})", async i => consistencyProofs[i] = await prover.ConsistencyProofAsync(oldSizes[i], size));
        await Latency("consistency proof, verify", i =>
        {
            if (MerkleProofs.VerifyConsistency(oldSizes[i], size, oldRoots[i], root, consistencyProofs[i]) != ProofCheck.Valid)
                throw new InvalidOperationException($"Consistency proof {oldSizes[i]} did not verify.");
            return ValueTask.CompletedTask;
        });
        return 0;
    }

    private static byte[][] Entries(int count)
    {
        var random = new Random(1);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var entry = new byte[128];
            random.NextBytes(entry);
            return entry;
        })];
    }

    private static TimeSpan Best(int runs, Func<TimeSpan> run) => Enumerable.Range(0, runs).Select(_ => run()).Min();

    private static void Report(string what, int count, TimeSpan elapsed) =>
        Console.WriteLine($"{what,-52} {count / elapsed.TotalSeconds,12:N0} leaves/s   {elapsed.TotalNanoseconds / count,8:N0} ns/leaf");

    private static async Task Latency(string what, Func<int, ValueTask> operation)
    {
        for (var i = 0; i < Samples / 10; i++) await operation(i); // warm-up: JIT tiers, caches
        var ticks = new long[Samples];
        for (var i = 0; i < Samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await operation(i);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
        Array.Sort(ticks);
        static double Micros(long t) => t * 1_000_000.0 / Stopwatch.Frequency;
        Console.WriteLine($"{what,-52} p50 {Micros(ticks[Samples / 2]),8:N1} µs   p99 {Micros(ticks[Samples * 99 / 100]),8:N1} µs   max {Micros(ticks[^1]),8:N1} µs");
    }
}

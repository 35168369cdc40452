using System.Collections;
using System.Diagnostics;
using Federation.Core.Matching;

namespace Federation.Benchmarks.Matching;

/// <summary>
/// The match index at scale: build time and memory for N random PDQ hashes, query latency at distance 31, the
/// speed-up over a linear scan of the same hashes measured in the same run, and exact-digest lookups.
/// </summary>
internal static class MatchIndexBenchmark
{
    private const string List = "bench";

    public static void Run(int count, int queryCount)
    {
        var random = new Random(20261124);
        var hashes = new PdqHash[count];
        for (var i = 0; i < count; i++) hashes[i] = RandomHash(random);
        Console.WriteLine($"Index of {count:N0} random PDQ hashes (entry payload: a long)");

        var before = SettledManagedBytes();
        var started = Stopwatch.GetTimestamp();
        var index = new MatchIndex<long>();
        index.AddRange(new Entries(hashes.Length, i => new MatchEntry<long>(List, i, new MediaSignals(Pdq: new PdqResult(hashes[i], 100)))));
        var buildTime = Stopwatch.GetElapsedTime(started);
        var indexBytes = SettledManagedBytes() - before;
        Console.WriteLine($"  build (AddRange): {buildTime.TotalSeconds:F1} s");
        Console.WriteLine($"  memory of the index: {(indexBytes + index.NativeBytes) / 1e6:N0} MB ({(double)(indexBytes + index.NativeBytes) / count:F1} bytes/hash: "
            + $"{indexBytes / 1e6:N0} MB managed, {index.NativeBytes / 1e6:N0} MB native hash pages, {HugePageUsage.Now()}); "
            + $"process working set {Environment.WorkingSet / 1e6:N0} MB (includes the {count * 32L / 1e6:N0} MB input array); {LoadAverage.Now()}");

        // Half the queries are near-duplicates of indexed hashes (0..31 bits away), half are unrelated.
        var queries = Enumerable.Range(0, queryCount)
            .Select(q => q % 2 == 0 ? FlipBits(hashes[random.Next(count)], random.Next(32), random) : RandomHash(random))
            .ToArray();
        foreach (var query in queries.Take(100)) index.Match(Signals(query)); // warm-up
        var backToBack = new Timings();
        var hits = queries.Sum(query => backToBack.Measure(() => index.Match(Signals(query)).Count));
        var indexP50 = backToBack.Wall(50);
        Console.WriteLine($"  query at distance 31 ({queryCount:N0} queries back to back, half near-duplicates, {hits:N0} hits): "
            + $"{backToBack.Summary("F3")}, max {backToBack.MaxWall:F1} ms");

        // The scan and the index take turns on each query, so that a burst of load on the machine hits both alike.
        var scanned = queries.Take(Math.Min(40, queryCount)).ToArray();
        var scan = new Timings();
        var cold = new Timings();
        foreach (var query in scanned)
        {
            var scanHits = scan.Measure(() => LinearScan(hashes, query, 31));
            var indexHits = cold.Measure(() => index.Match(Signals(query)).Count);
            if (scanHits != indexHits) throw new InvalidOperationException($"index found {indexHits} hits where the scan found {scanHits}");
        }
        // Right after a scan has streamed the whole hash array through the caches the index runs cold; back to
        // back, as a matching service runs it, its tables stay warm. Both speed-ups are printed.
        Console.WriteLine($"  linear scan of the same hashes ({scanned.Length} queries, same hits): {scan.Summary("F1")}");
        Console.WriteLine($"  index right after each scan (cold caches): {cold.Summary("F3")}");
        Console.WriteLine($"  speed-up over the scan, p50 wall: {scan.Wall(50) / indexP50:F0}x back to back, {scan.Wall(50) / cold.Wall(50):F0}x cold"
            + (ThreadCpuClock.IsAvailable ? $"; p50 thread CPU: {scan.Cpu(50) / backToBack.Cpu(50):F0}x back to back, {scan.Cpu(50) / cold.Cpu(50):F0}x cold" : "") + $"; {LoadAverage.Now()}");

        index.SetPdqThreshold(List, MatchIndex<long>.MaxPdqThreshold);
        var wide = new Timings();
        foreach (var query in queries.Take(200)) wide.Measure(() => index.Match(Signals(query)).Count);
        Console.WriteLine($"  query at the maximum threshold {MatchIndex<long>.MaxPdqThreshold} (200 queries): {wide.Summary("F3")}");
        index.Dispose();
        GC.KeepAlive(index);
        hashes = [];

        RunExact(count, random);
    }

    private static void RunExact(int count, Random random)
    {
        var digests = new Sha256Hash[count];
        for (var i = 0; i < count; i++) digests[i] = new Sha256Hash(Word(random), Word(random), Word(random), Word(random));
        Console.WriteLine($"Index of {count:N0} random SHA-256 digests");
        var before = SettledManagedBytes();
        var started = Stopwatch.GetTimestamp();
        using var index = new MatchIndex<long>();
        index.AddRange(new Entries(count, i => new MatchEntry<long>(List, i, new MediaSignals(Sha256: digests[i]))));
        var buildTime = Stopwatch.GetElapsedTime(started);
        var indexBytes = SettledManagedBytes() - before;
        Console.WriteLine($"  build (AddRange): {buildTime.TotalSeconds:F1} s, managed memory {indexBytes / 1e6:N0} MB ({(double)indexBytes / count:F1} bytes/digest)");

        var lookups = Enumerable.Range(0, 100_000)
            .Select(i => i % 2 == 0 ? digests[random.Next(count)] : new Sha256Hash(Word(random), Word(random), Word(random), Word(random)))
            .ToArray();
        foreach (var digest in lookups.Take(1000)) index.Match(new MediaSignals(Sha256: digest));
        var times = new double[lookups.Length];
        for (var i = 0; i < lookups.Length; i++)
        {
            var t = Stopwatch.GetTimestamp();
            index.Match(new MediaSignals(Sha256: lookups[i]));
            times[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
        }
        Console.WriteLine($"  exact lookup (100,000, half present): p50 {Stats.Percentile(times, 50):F1} µs, p99 {Stats.Percentile(times, 99):F1} µs");
    }

    // The baseline: every hash compared, over one flat array (the best case for a scan).
    private static int LinearScan(PdqHash[] hashes, PdqHash query, int threshold)
    {
        var found = 0;
        foreach (var hash in hashes)
            if (hash.DistanceTo(query) <= threshold) found++;
        return found;
    }

    private static MediaSignals Signals(PdqHash hash) => new(Pdq: new PdqResult(hash, 100));

    private static long SettledManagedBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static PdqHash RandomHash(Random random) => new(Word(random), Word(random), Word(random), Word(random));

    private static PdqHash FlipBits(PdqHash hash, int count, Random random)
    {
        foreach (var bit in Enumerable.Range(0, PdqHash.Bits).OrderBy(_ => random.Next()).Take(count)) hash = hash.FlipBit(bit);
        return hash;
    }

    private static ulong Word(Random random) => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);

    /// <summary>Entries computed on demand, so that ten million of them are never held at once.</summary>
    private sealed class Entries(int count, Func<int, MatchEntry<long>> entry) : IReadOnlyCollection<MatchEntry<long>>
    {
        public int Count => count;

        public IEnumerator<MatchEntry<long>> GetEnumerator()
        {
            for (var i = 0; i < count; i++) yield return entry(i);
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

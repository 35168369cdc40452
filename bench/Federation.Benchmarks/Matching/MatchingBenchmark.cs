namespace Federation.Benchmarks.Matching;

/// <summary>The "Media matching" figures of docs/benchmarks.md: PDQ hashing, then the match index.</summary>
internal static class MatchingBenchmark
{
    public static int Run(string[] args)
    {
        var hashes = 10_000_000;
        var queries = 2_000;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--hashes" when i + 1 < args.Length && int.TryParse(args[i + 1], out hashes) && hashes > 0:
                case "--queries" when i + 1 < args.Length && int.TryParse(args[i + 1], out queries) && queries > 0:
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"matching: cannot use '{args[i]}'; options: --hashes N (default 10,000,000), --queries N (default 2,000)");
                    return 2;
            }
        }
        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores, {(Environment.Is64BitProcess ? "x64" : "x86")}, server GC {System.Runtime.GCSettings.IsServerGC}");
        PdqHashingBenchmark.Run(iterations: 200);
        MatchIndexBenchmark.Run(hashes, queries);
        return 0;
    }
}

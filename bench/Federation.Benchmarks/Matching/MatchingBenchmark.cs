namespace Federation.Benchmarks.Matching;

/// <summary>The "Media matching" figures of docs/benchmarks.md.</summary>
internal static class MatchingBenchmark
{
    public static int Run(string[] args)
    {
        PdqHashingBenchmark.Run(iterations: 200);
        return 0;
    }
}

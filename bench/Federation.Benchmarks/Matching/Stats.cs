namespace Federation.Benchmarks.Matching;

internal static class Stats
{
    /// <summary>Nearest-rank percentile of the samples (which it sorts).</summary>
    public static double Percentile(double[] samples, double percent)
    {
        Array.Sort(samples);
        var rank = (int)Math.Ceiling(percent / 100 * samples.Length);
        return samples[Math.Clamp(rank - 1, 0, samples.Length - 1)];
    }
}

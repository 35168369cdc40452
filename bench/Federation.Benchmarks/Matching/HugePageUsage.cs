namespace Federation.Benchmarks.Matching;

/// <summary>
/// How much of the process's memory the kernel backs with transparent huge pages (<c>AnonHugePages</c> in
/// /proc/self/smaps_rollup): the match index asks for them for its PDQ hashes, and may be refused.
/// </summary>
internal static class HugePageUsage
{
    /// <summary>"huge pages 320 MB" on Linux; "huge pages n/a" elsewhere.</summary>
    public static string Now()
    {
        const string path = "/proc/self/smaps_rollup";
        if (!File.Exists(path)) return "huge pages n/a";
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("AnonHugePages:", StringComparison.Ordinal));
        var kb = line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return $"huge pages {kb / 1e3:N0} MB";
    }
}

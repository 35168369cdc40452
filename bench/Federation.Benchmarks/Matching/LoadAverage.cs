namespace Federation.Benchmarks.Matching;

/// <summary>
/// The machine's load average, printed beside the figures: the benchmark machine is shared, and a wall-clock time
/// means little without knowing how many other runnable threads competed for its two cores.
/// </summary>
internal static class LoadAverage
{
    /// <summary>"load average 1.23 4.56 7.89" (1, 5 and 15 minutes) on Linux; "load average n/a" elsewhere.</summary>
    public static string Now() =>
        File.Exists("/proc/loadavg") ? "load average " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "load average n/a";
}

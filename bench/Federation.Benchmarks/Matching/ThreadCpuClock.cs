using System.Runtime.InteropServices;

namespace Federation.Benchmarks.Matching;

/// <summary>
/// CPU time consumed by the calling thread. On a shared machine wall-clock latency includes time spent waiting
/// for a core; CPU time is what "on one core" means, so the benchmark prints both.
/// </summary>
internal static class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID on Linux

    public static bool IsAvailable { get; } = OperatingSystem.IsLinux() && TryRead(out _);

    /// <summary>Thread CPU time in milliseconds (Linux); NaN elsewhere.</summary>
    public static double NowMilliseconds() => TryRead(out var ms) ? ms : double.NaN;

    private static bool TryRead(out double milliseconds)
    {
        milliseconds = double.NaN;
        if (!OperatingSystem.IsLinux() || clock_gettime(ClockThreadCpuTimeId, out var time) != 0) return false;
        milliseconds = time.Seconds * 1e3 + time.Nanoseconds / 1e6;
        return true;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport rather than LibraryImport: the generated stub would need unsafe code in this project.
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clock, out TimeSpec time);
}

using System.Diagnostics;

namespace Federation.Benchmarks.Matching;

/// <summary>Wall-clock and thread-CPU milliseconds of repeated runs of one operation.</summary>
internal sealed class Timings
{
    private readonly List<double> _wall = [];
    private readonly List<double> _cpu = [];

    public static Timings Of(int iterations, Action run)
    {
        var timings = new Timings();
        for (var i = 0; i < iterations; i++) timings.Measure(run);
        return timings;
    }

    public T Measure<T>(Func<T> run)
    {
        var cpu = ThreadCpuClock.NowMilliseconds();
        var started = Stopwatch.GetTimestamp();
        var result = run();
        _wall.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        _cpu.Add(ThreadCpuClock.NowMilliseconds() - cpu);
        return result;
    }

    public void Measure(Action run) => Measure(() => { run(); return 0; });

    public double Wall(double percentile) => Stats.Percentile([.. _wall], percentile);

    public double Cpu(double percentile) => Stats.Percentile([.. _cpu], percentile);

    public double MaxWall => _wall.Max();

    /// <summary>"p50 x ms, p99 y ms (CPU p50 z ms, p99 w ms)", CPU omitted where the clock is missing.</summary>
    public string Summary(string format = "F2") =>
        $"p50 {Wall(50).ToString(format)} ms, p99 {Wall(99).ToString(format)} ms"
        + (ThreadCpuClock.IsAvailable ? $" (thread CPU p50 {Cpu(50).ToString(format)} ms, p99 {Cpu(99).ToString(format)} ms)" : "");
}

namespace Federation.Node.Tests.Support;

/// <summary>
/// A node's clock that a test moves forward: the system's time plus an offset. Not a frozen FakeTimeProvider, because
/// a whole node runs on it (checkpoint cadence, outbox, timeouts) and must keep going; a test jumps it past a date
/// (a list's expiry) with <see cref="Advance"/>, and nothing is restarted or slept.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
}

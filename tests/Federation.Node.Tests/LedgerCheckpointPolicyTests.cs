using Federation.Node.Ledger;

namespace Federation.Node.Tests;

public sealed class LedgerCheckpointPolicyTests
{
    private static readonly DateTimeOffset Signed = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Freshness = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(100UL, 9, false)]   // grown, but within the minimum interval
    [InlineData(100UL, 10, true)]   // grown, interval passed
    [InlineData(90UL, 10, false)]   // not grown, still fresh
    [InlineData(90UL, 299, false)]
    [InlineData(90UL, 300, true)]   // not grown, but the freshness period is over
    public void Signs_on_growth_at_most_every_interval_and_at_least_every_freshness_period(ulong size, int secondsLater, bool due) =>
        Assert.Equal(due, CheckpointPolicy.IsDue(90, Signed, size, Signed.AddSeconds(secondsLater), Interval, Freshness));

    [Fact]
    public void Signs_the_first_checkpoint_at_once_even_of_an_empty_log() =>
        Assert.True(CheckpointPolicy.IsDue(null, null, 0, Signed, Interval, Freshness));

    [Fact]
    public void Refuses_to_sign_a_tree_smaller_than_one_already_signed()
    {
        var e = Assert.Throws<LogSmallerThanSignedException>(() => CheckpointPolicy.IsDue(90, Signed, 89, Signed.AddHours(1), Interval, Freshness));
        Assert.Contains("refusing to sign a smaller tree", e.Message, StringComparison.Ordinal);
    }
}

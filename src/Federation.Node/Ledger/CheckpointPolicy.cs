namespace Federation.Node.Ledger;

/// <summary>When the node signs a new checkpoint: on growth, at most every <c>interval</c>; and in any case once
/// the latest is <c>freshness</c> old, so a reader can tell a quiet log from a frozen one.</summary>
public static class CheckpointPolicy
{
    /// <exception cref="LogSmallerThanSignedException">The log is smaller than a checkpoint already signed: signing would fork it.</exception>
    public static bool IsDue(ulong? latestSize, DateTimeOffset? latestSignedAt, ulong size, DateTimeOffset now, TimeSpan interval, TimeSpan freshness)
    {
        if (latestSize is not { } signed || latestSignedAt is not { } at) return true;
        if (size < signed)
            throw new LogSmallerThanSignedException(size, signed);
        var age = now - at;
        return (size > signed && age >= interval) || age >= freshness;
    }
}

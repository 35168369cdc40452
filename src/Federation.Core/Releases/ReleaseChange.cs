namespace Federation.Core.Releases;

/// <summary>
/// One line of a release: an entry added (with its label) or withdrawn (a tombstone: no label). A value appears at
/// most once per release, so a release cannot both add and withdraw the same hash.
/// </summary>
public readonly record struct ReleaseChange(SignalValue Value, EntryLabel? Label)
{
    public bool IsWithdrawal => Label is null;

    public static ReleaseChange Add(SignalValue value, EntryLabel label) => new(value, label);

    public static ReleaseChange Add(Entry entry) => new(entry.Value, entry.Label);

    public static ReleaseChange Withdraw(SignalValue value) => new(value, null);

    /// <summary>The entry this change adds.</summary>
    /// <exception cref="InvalidOperationException">The change is a withdrawal.</exception>
    public Entry ToEntry() => Label is { } label ? new Entry(Value, label) : throw new InvalidOperationException($"{Value} is a withdrawal, not an entry");
}

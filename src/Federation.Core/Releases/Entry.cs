namespace Federation.Core.Releases;

/// <summary>One listed hash: the value and what the publishing agency says about it.</summary>
public readonly record struct Entry(SignalValue Value, EntryLabel Label);

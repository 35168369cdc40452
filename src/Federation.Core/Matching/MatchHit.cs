namespace Federation.Core.Matching;

/// <summary>One indexed entry that matched a query: which list holds it, by which signal, how far (0 for exact).</summary>
public readonly record struct MatchHit<TEntry>(string ListId, TEntry Entry, MatchKind Kind, int Distance);

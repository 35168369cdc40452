namespace Federation.Core.Matching;

/// <summary>
/// One indexed entry that matched a query: which list holds it, by which signal, how far (0 for exact), and for a
/// PDQ hit the indexed hash itself (an exact hit's value is the query's own digest). With the list and the value a
/// caller can find the entry in its own store without keeping a copy of every hash in <typeparamref name="TEntry"/>.
/// </summary>
public readonly record struct MatchHit<TEntry>(string ListId, TEntry Entry, MatchKind Kind, int Distance, PdqHash? IndexedPdq = null);

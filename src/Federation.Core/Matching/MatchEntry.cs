namespace Federation.Core.Matching;

/// <summary>
/// One entry of one list as the match index holds it. <typeparamref name="TEntry"/> is opaque to the index: the
/// node puts there whatever it shows with a hit (entry id, release, origin) and what tells two entries apart,
/// since <see cref="MatchIndex{TEntry}.Remove"/> finds the entry to withdraw by equality.
/// </summary>
public readonly record struct MatchEntry<TEntry>(string ListId, TEntry Entry, MediaSignals Signals);

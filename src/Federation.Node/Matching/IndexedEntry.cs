namespace Federation.Node.Matching;

/// <summary>
/// What the node's match index keeps per entry besides its list and hash: nothing. An active entry is identified by
/// its list and its value (the primary key of <c>active_entries</c>), which a hit already carries, so the details
/// shown with a hit (labels, release, feedback) are read from PostgreSQL for the few entries that matched. That keeps
/// the index at the Core's ~90 bytes per PDQ hash and the details always those of the committed state.
/// </summary>
public readonly record struct IndexedEntry;

using Federation.Core.Ledger;

namespace Federation.Node.Ledger;

/// <summary>
/// The compact range of the latest tree this process appended, so an append usually needs no read of the node
/// table. It is only a cache: an appender uses it when the database's committed size and last leaf hash match it,
/// and reloads from <c>ledger_node</c> otherwise (another instance appended, the offering transaction rolled back,
/// or this value is stale). Leaf hashes commit to event ids, so a range that was never committed cannot match.
/// </summary>
internal sealed class LedgerTip
{
    private (CompactRange Range, MerkleHash LastLeaf)? _latest;
    private readonly Lock _gate = new();

    public CompactRange? Matching(ulong size, MerkleHash? lastLeaf)
    {
        lock (_gate)
            return _latest is { } t && t.Range.Size == size && t.LastLeaf == lastLeaf ? t.Range : null;
    }

    /// <summary>Records the tree an appender just built, under the ledger lock; the last offer wins.</summary>
    public void Offer(CompactRange range, MerkleHash lastLeaf)
    {
        lock (_gate)
            _latest = (range, lastLeaf);
    }
}

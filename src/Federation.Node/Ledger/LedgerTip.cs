using Federation.Core.Ledger;

namespace Federation.Node.Ledger;

/// <summary>
/// The compact range of the latest committed tree this process knows of, so an append usually needs no read of
/// the node table. It is only a cache: an appender uses it when the database's size and last leaf hash match it,
/// and reloads from <c>ledger_node</c> otherwise (another instance appended, or this value is stale).
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

    /// <summary>Records a committed tree; an older one (its commit callback ran late) never replaces a newer.</summary>
    public void Committed(CompactRange range, MerkleHash lastLeaf)
    {
        lock (_gate)
            if (_latest is not { } t || t.Range.Size < range.Size) _latest = (range, lastLeaf);
    }
}

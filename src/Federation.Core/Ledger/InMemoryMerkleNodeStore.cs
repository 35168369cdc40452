namespace Federation.Core.Ledger;

/// <summary>
/// A node store in memory: one dense list per level, so a million-leaf tree takes about 64 MB. For tests,
/// benchmarks and the offline auditor, which rebuilds a log from an export. One writer at a time; reads may
/// run concurrently with each other but not with <see cref="Add"/>.
/// </summary>
public sealed class InMemoryMerkleNodeStore : IMerkleNodeReader
{
    private readonly List<MerkleHash>[] _levels = Enumerable.Range(0, NodeAddress.MaxLevel + 1).Select(_ => new List<MerkleHash>()).ToArray();

    /// <summary>Number of leaves stored (level 0).</summary>
    public ulong LeafCount => (ulong)_levels[0].Count;

    /// <summary>
    /// Stores one node. The store is append-only per level: the next index is appended; re-adding a stored
    /// node with the same hash is a no-op (a retried batch); anything else — a gap, or a different hash for a
    /// stored node — is refused, because it means the caller's tree state is not the stored one.
    /// </summary>
    public void Add(StoredNode node)
    {
        var (level, index) = node.Address;
        if (level is < 0 or > NodeAddress.MaxLevel) throw new ArgumentOutOfRangeException(nameof(node), $"Level {level} is outside 0..63.");
        var list = _levels[level];
        var count = (ulong)list.Count;
        if (index == count) list.Add(node.Hash);
        else if (index > count) throw new InvalidOperationException($"Node {node.Address} would leave a gap: level {level} holds {count} nodes.");
        else if (list[(int)index] != node.Hash) throw new InvalidOperationException($"Node {node.Address} is already stored with a different hash.");
    }

    public void AddRange(IEnumerable<StoredNode> nodes)
    {
        foreach (var node in nodes) Add(node);
    }

    public MerkleHash Read(NodeAddress address)
    {
        var (level, index) = address;
        if (level is < 0 or > NodeAddress.MaxLevel || index >= (ulong)_levels[level].Count)
            throw new KeyNotFoundException($"No stored subtree at {address}.");
        return _levels[level][(int)index];
    }

    public ValueTask<IReadOnlyList<MerkleHash>> ReadAsync(IReadOnlyList<NodeAddress> addresses, CancellationToken cancellationToken = default)
    {
        var hashes = new MerkleHash[addresses.Count];
        for (var i = 0; i < hashes.Length; i++) hashes[i] = Read(addresses[i]);
        return ValueTask.FromResult<IReadOnlyList<MerkleHash>>(hashes);
    }
}

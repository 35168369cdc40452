using System.Collections.Immutable;
using System.Numerics;

namespace Federation.Core.Ledger;

/// <summary>
/// The state needed to append to an RFC 6962 tree and compute its root without reading the leaves: for a tree
/// of size n, the hashes of the perfect subtrees given by the binary decomposition of n, largest (leftmost)
/// first — one per set bit, so at most 64. Appending a leaf merges the trailing equal-size subtrees, O(log n)
/// hashes; each merge completes a perfect subtree whose hash is handed back to the caller to store
/// (1 + trailing-ones(n) nodes per append, under 2 on average). Immutable: appending returns a new range.
/// </summary>
public sealed class CompactRange
{
    private readonly ImmutableArray<MerkleHash> _roots;

    private CompactRange(ulong size, ImmutableArray<MerkleHash> roots) => (Size, _roots) = (size, roots);

    public static CompactRange Empty { get; } = new(0, []);

    public ulong Size { get; }

    /// <summary>The perfect-subtree hashes at <see cref="RootAddresses"/>, left to right.</summary>
    public IReadOnlyList<MerkleHash> Roots => _roots;

    /// <summary>Where the roots of a tree of <paramref name="size"/> leaves live in a node store, left to right.</summary>
    public static IReadOnlyList<NodeAddress> RootAddresses(ulong size)
    {
        var addresses = new List<NodeAddress>(BitOperations.PopCount(size));
        if (size > 0) NodeAddress.Cover(0, size, addresses);
        return addresses;
    }

    /// <summary>Rebuilds the range from stored hashes, for example after a restart (read <see cref="RootAddresses"/>).</summary>
    public static CompactRange Restore(ulong size, IReadOnlyList<MerkleHash> roots)
    {
        if (roots.Count != BitOperations.PopCount(size))
            throw new ArgumentException($"A tree of size {size} has {BitOperations.PopCount(size)} compact-range roots, not {roots.Count}.", nameof(roots));
        return new CompactRange(size, [.. roots]);
    }

    public static async ValueTask<CompactRange> LoadAsync(IMerkleNodeReader nodes, ulong size, CancellationToken cancellationToken = default) =>
        Restore(size, await nodes.ReadAsync(RootAddresses(size), cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Appends leaf hashes (RFC 6962 §2.1 leaf hashes, SHA-256(0x00 || entry)) in order. Every perfect subtree the
    /// appends complete, leaves included, is added to <paramref name="completed"/> in the order it was completed;
    /// the caller persists them together with whatever records the new size, in one transaction.
    /// </summary>
    public CompactRange Append(ReadOnlySpan<MerkleHash> leafHashes, ICollection<StoredNode> completed)
    {
        if (leafHashes.IsEmpty) return this;
        if (Size > ulong.MaxValue - (ulong)leafHashes.Length) throw new OverflowException("The log cannot exceed 2^64 - 1 leaves.");
        var stack = new List<MerkleHash>(_roots.Length + 2);
        stack.AddRange(_roots);
        var size = Size;
        foreach (var leaf in leafHashes)
        {
            var hash = leaf;
            completed.Add(new StoredNode(new NodeAddress(0, size), hash));
            // Each trailing one bit of the old size is a subtree of the current height waiting for a right sibling.
            for (var level = 0; ((size >> level) & 1) == 1; level++)
            {
                hash = Rfc6962.NodeHash(stack[^1], hash);
                stack.RemoveAt(stack.Count - 1);
                completed.Add(new StoredNode(new NodeAddress(level + 1, size >> (level + 1)), hash));
            }
            stack.Add(hash);
            size++;
        }
        return new CompactRange(size, [.. stack]);
    }

    public CompactRange Append(MerkleHash leafHash, ICollection<StoredNode> completed) => Append([leafHash], completed);

    /// <summary>MTH of the whole tree: the roots folded right to left (RFC 6962 §2.1); SHA-256("") when empty.</summary>
    public MerkleHash RootHash() => Fold(_roots.AsSpan());

    internal static MerkleHash Fold(ReadOnlySpan<MerkleHash> leftToRight)
    {
        if (leftToRight.IsEmpty) return Rfc6962.EmptyRoot;
        var hash = leftToRight[^1];
        for (var i = leftToRight.Length - 2; i >= 0; i--) hash = Rfc6962.NodeHash(leftToRight[i], hash);
        return hash;
    }
}

using System.Numerics;

namespace Federation.Core.Ledger;

/// <summary>
/// A perfect, aligned subtree of the log: the <paramref name="Index"/>-th run of 2^<paramref name="Level"/> leaves,
/// covering leaves [Index·2^Level, (Index+1)·2^Level). Level 0 addresses the leaf hashes themselves.
/// Once all its leaves exist such a subtree never changes, which is what makes it storable (RFC 6962 §2.1:
/// the tree is not padded, so only perfect subtrees are stable across appends).
/// </summary>
public readonly record struct NodeAddress(int Level, ulong Index)
{
    /// <summary>Levels 0..63 cover every size that fits in a uint64.</summary>
    public const int MaxLevel = 63;

    public ulong FirstLeaf => Index << Level;

    public ulong LeafCount => 1UL << Level;

    /// <summary>
    /// The perfect subtrees whose hashes fold, right to left, into MTH(D[start:end]) — largest first. This holds
    /// for every range the RFC 6962 recursion produces: such a range starts at a multiple of a power of two at
    /// least as large as its length, so RFC 6962 §2.1 splits it into its largest perfect left part again and again.
    /// A range that does not start so aligned has no MTH of its own in the tree and is refused.
    /// </summary>
    public static void Cover(ulong start, ulong end, List<NodeAddress> into)
    {
        if (start >= end) throw new ArgumentOutOfRangeException(nameof(end), $"Empty range [{start}, {end}).");
        var width = end - start;
        if (start != 0 && BitOperations.TrailingZeroCount(start) < BitOperations.Log2(width))
            throw new ArgumentException($"[{start}, {end}) is not a subtree of an RFC 6962 tree.", nameof(start));
        while (start < end)
        {
            var level = BitOperations.Log2(end - start);
            into.Add(new NodeAddress(level, start >> level));
            start += 1UL << level;
        }
    }

    public override string ToString() => $"({Level}, {Index})";
}

using System.Numerics;

namespace Federation.Core.Ledger;

/// <summary>
/// Computes roots, inclusion proofs and consistency proofs of any tree size up to the stored size, reading
/// only stored perfect-subtree hashes: each proof element is an MTH over a range that the RFC 6962 recursion
/// picks, the ranges are planned first and all their subtrees are read in one <see cref="IMerkleNodeReader.ReadAsync"/>
/// call — O(log n) hashes, one round trip.
/// </summary>
public sealed class MerkleProver(IMerkleNodeReader nodes)
{
    /// <summary>MTH(D[0:size]); SHA-256("") for size 0.</summary>
    public async ValueTask<MerkleHash> RootAsync(ulong size, CancellationToken cancellationToken = default)
    {
        if (size == 0) return Rfc6962.EmptyRoot;
        var hashes = await ReadRangesAsync([(0, size)], cancellationToken).ConfigureAwait(false);
        return hashes[0];
    }

    /// <summary>
    /// RFC 6962 §2.1.1 PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), ordered from the leaf's sibling up to the
    /// root's child — the wire order of RFC 6962 get-proof-by-hash, C2SP tlog-proof and tlog-witness.
    /// </summary>
    public async ValueTask<IReadOnlyList<MerkleHash>> InclusionProofAsync(ulong index, ulong size, CancellationToken cancellationToken = default)
    {
        if (index >= size) throw new ArgumentOutOfRangeException(nameof(index), $"Leaf {index} is not in a tree of size {size}.");
        // PATH(m, D[lo:hi]) = PATH(m, D[lo:lo+k]) : MTH(D[lo+k:hi]) if m < lo+k, else PATH(m, D[lo+k:hi]) : MTH(D[lo:lo+k]).
        // Walking down from the root collects the siblings root-first; the proof lists them leaf-first.
        var ranges = new List<(ulong Start, ulong End)>(64);
        ulong lo = 0, hi = size;
        while (hi - lo > 1)
        {
            var k = LargestPowerOfTwoBelow(hi - lo);
            if (index < lo + k) { ranges.Add((lo + k, hi)); hi = lo + k; }
            else { ranges.Add((lo, lo + k)); lo += k; }
        }
        ranges.Reverse();
        return await ReadRangesAsync(ranges, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// RFC 6962 §2.1.2 PROOF(oldSize, D[0:newSize]) (RFC 9162 §2.1.4.1), leaf-to-root order. The RFC defines it
    /// for 0 &lt; oldSize &lt; newSize; for oldSize 0 and for oldSize == newSize the proof is empty, which is what
    /// C2SP tlog-witness expects in those cases.
    /// </summary>
    public async ValueTask<IReadOnlyList<MerkleHash>> ConsistencyProofAsync(ulong oldSize, ulong newSize, CancellationToken cancellationToken = default)
    {
        if (oldSize > newSize) throw new ArgumentOutOfRangeException(nameof(oldSize), $"Old size {oldSize} exceeds new size {newSize}.");
        if (oldSize == 0 || oldSize == newSize) return [];
        // SUBPROOF(m, D[lo:hi], b): when m reaches the whole range, emit MTH(D[lo:hi]) unless b (the old tree is
        // exactly this subtree and the verifier already has its root). Otherwise split at the largest power of
        // two k < hi-lo: m <= k descends left and needs MTH(D[lo+k:hi]); m > k descends right (b becomes false)
        // and needs MTH(D[lo:lo+k]).
        var ranges = new List<(ulong Start, ulong End)>(64);
        ulong lo = 0, hi = newSize, m = oldSize;
        var startFromOldRoot = true;
        while (true)
        {
            if (m == hi - lo)
            {
                if (!startFromOldRoot) ranges.Add((lo, hi));
                break;
            }
            var k = LargestPowerOfTwoBelow(hi - lo);
            if (m <= k) { ranges.Add((lo + k, hi)); hi = lo + k; }
            else { ranges.Add((lo, lo + k)); lo += k; m -= k; startFromOldRoot = false; }
        }
        ranges.Reverse();
        return await ReadRangesAsync(ranges, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The largest power of two strictly smaller than n, for n ≥ 2 (the split point k of RFC 6962 §2.1).</summary>
    internal static ulong LargestPowerOfTwoBelow(ulong n) => 1UL << BitOperations.Log2(n - 1);

    private async ValueTask<MerkleHash[]> ReadRangesAsync(IReadOnlyList<(ulong Start, ulong End)> ranges, CancellationToken cancellationToken)
    {
        var addresses = new List<NodeAddress>(ranges.Count + 64);
        var firstAddress = new int[ranges.Count + 1];
        for (var i = 0; i < ranges.Count; i++)
        {
            firstAddress[i] = addresses.Count;
            NodeAddress.Cover(ranges[i].Start, ranges[i].End, addresses);
        }
        firstAddress[ranges.Count] = addresses.Count;

        var stored = await nodes.ReadAsync(addresses, cancellationToken).ConfigureAwait(false);
        if (stored.Count != addresses.Count)
            throw new InvalidOperationException($"The node store returned {stored.Count} hashes for {addresses.Count} addresses.");
        var all = stored as MerkleHash[] ?? [.. stored];
        var result = new MerkleHash[ranges.Count];
        for (var i = 0; i < ranges.Count; i++)
            result[i] = CompactRange.Fold(all.AsSpan(firstAddress[i], firstAddress[i + 1] - firstAddress[i]));
        return result;
    }
}

using System.Numerics;

namespace Federation.Core.Ledger;

/// <summary>
/// Verification of RFC 6962 inclusion and consistency proofs with the step lists of RFC 9162 §2.1.3.2 and
/// §2.1.4.2. Proof hashes are leaf-to-root. Before the RFC loop the expected proof length is checked
/// explicitly (it is fixed by the index and sizes), so a padded or truncated proof is refused with its own reason
/// rather than as a root mismatch.
/// </summary>
public static class MerkleProofs
{
    public static ProofCheck VerifyInclusion(ulong leafIndex, ulong treeSize, MerkleHash leafHash, IReadOnlyList<MerkleHash> proof, MerkleHash rootHash)
    {
        // RFC 9162 §2.1.3.2 step 1.
        if (leafIndex >= treeSize) return ProofCheck.LeafIndexBeyondTree;
        if (proof.Count != InclusionProofLength(leafIndex, treeSize)) return ProofCheck.WrongProofLength;

        // Steps 2-5. fn walks the leaf's position up the tree, sn the last leaf's; where fn == sn the node has
        // no right sibling at this level and is carried up unchanged (the inner shift loop).
        ulong fn = leafIndex, sn = treeSize - 1;
        var r = leafHash;
        foreach (var p in proof)
        {
            if (sn == 0) return ProofCheck.WrongProofLength;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = Rfc6962.NodeHash(p, r);
                if ((fn & 1) == 0)
                {
                    // fn == sn != 0 and even here, so this shifts at least once (the RFC's "repeat ... until").
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
                }
            }
            else
            {
                r = Rfc6962.NodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) return ProofCheck.WrongProofLength;
        return r == rootHash ? ProofCheck.Valid : ProofCheck.RootMismatch;
    }

    public static ProofCheck VerifyConsistency(ulong oldSize, ulong newSize, MerkleHash oldRoot, MerkleHash newRoot, IReadOnlyList<MerkleHash> proof)
    {
        // The RFC covers 0 < first < second only. Size 0 is refused (transparency-dev/merkle: a proof from the
        // empty tree proves nothing); equal sizes need an empty proof and equal roots (every library agrees).
        if (oldSize == 0) return ProofCheck.OldSizeZero;
        if (oldSize > newSize) return ProofCheck.OldSizeBeyondNewSize;
        if (oldSize == newSize)
        {
            if (proof.Count != 0) return ProofCheck.WrongProofLength;
            return oldRoot == newRoot ? ProofCheck.Valid : ProofCheck.RootMismatch;
        }
        // Step 1 (an empty proof fails) is covered: the expected length is at least 1 when oldSize < newSize.
        if (proof.Count != ConsistencyProofLength(oldSize, newSize)) return ProofCheck.WrongProofLength;

        // Step 2: when the old tree is a perfect subtree, its root is the implied first element of the path.
        var oldIsPerfect = BitOperations.IsPow2(oldSize);
        MerkleHash At(int i) => oldIsPerfect ? (i == 0 ? oldRoot : proof[i - 1]) : proof[i];
        var pathLength = proof.Count + (oldIsPerfect ? 1 : 0);

        // Steps 3-4.
        ulong fn = oldSize - 1, sn = newSize - 1;
        while ((fn & 1) == 1) { fn >>= 1; sn >>= 1; }

        // Step 5.
        var fr = At(0);
        var sr = At(0);

        // Step 6.
        for (var i = 1; i < pathLength; i++)
        {
            var c = At(i);
            if (sn == 0) return ProofCheck.WrongProofLength;
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = Rfc6962.NodeHash(c, fr);
                sr = Rfc6962.NodeHash(c, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
                }
            }
            else
            {
                sr = Rfc6962.NodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }

        // Step 7.
        if (sn != 0) return ProofCheck.WrongProofLength;
        return fr == oldRoot && sr == newRoot ? ProofCheck.Valid : ProofCheck.RootMismatch;
    }

    /// <summary>
    /// Hashes in PATH(index, D[0:size]): the levels below the point where the paths to the leaf and to the last
    /// leaf diverge, plus one left sibling for each one bit above it (transparency-dev/merkle decompInclProof).
    /// </summary>
    public static int InclusionProofLength(ulong leafIndex, ulong treeSize)
    {
        if (leafIndex >= treeSize) throw new ArgumentOutOfRangeException(nameof(leafIndex));
        var inner = 64 - BitOperations.LeadingZeroCount(leafIndex ^ (treeSize - 1));
        var border = BitOperations.PopCount(inner == 64 ? 0 : leafIndex >> inner);
        return inner + border;
    }

    /// <summary>Hashes in PROOF(oldSize, D[0:newSize]) for 0 &lt; oldSize &lt; newSize; 0 when the sizes are equal.</summary>
    public static int ConsistencyProofLength(ulong oldSize, ulong newSize)
    {
        if (oldSize == 0 || oldSize > newSize) throw new ArgumentOutOfRangeException(nameof(oldSize));
        if (oldSize == newSize) return 0;
        // The path from the old tree's last leaf, minus the levels inside the largest perfect subtree that
        // ends the old tree (its root is sent once instead, unless the old tree is that subtree itself).
        var length = InclusionProofLength(oldSize - 1, newSize) - BitOperations.TrailingZeroCount(oldSize);
        return BitOperations.IsPow2(oldSize) ? length : length + 1;
    }
}

namespace Federation.Core.Ledger;

/// <summary>The outcome of checking a Merkle proof: <see cref="Valid"/>, or the one reason it was refused.</summary>
public enum ProofCheck
{
    Valid,
    /// <summary>Inclusion: the leaf index is not below the tree size (this includes every proof into an empty tree).</summary>
    LeafIndexBeyondTree,
    /// <summary>Consistency from size 0: meaningless, refused by the verifier; a caller that accepts "anything extends the empty tree" decides that itself.</summary>
    OldSizeZero,
    /// <summary>Consistency: the old size is larger than the new one.</summary>
    OldSizeBeyondNewSize,
    /// <summary>The number of hashes is not the one implied by the sizes and index (a missing, extra or garbage element).</summary>
    WrongProofLength,
    /// <summary>The proof is well-formed but does not lead to the given root(s).</summary>
    RootMismatch,
}

namespace Federation.Core.Ledger;

/// <summary>
/// Two checkpoints signed by one log's key that this witness could not reconcile, kept as evidence
/// (tlog-witness: a witness MAY log such requests as proof of log misbehaviour; the federation keeps them).
/// <para>
/// <see cref="Conclusive"/> evidence is two validly signed checkpoints of the same size with different roots:
/// anyone holding the log's public key can check that the log signed two histories, so the witness stops
/// cosigning the origin. Otherwise the submitted consistency proof did not link the checkpoint this witness
/// cosigned to the new one — a forked log, or only a bad proof from whoever relayed it (checkpoints are public,
/// so a third party can submit a genuine one with a wrong proof). That is kept for investigation but freezes nothing.
/// </para>
/// </summary>
public sealed record EquivocationEvidence(
    string Origin,
    bool Conclusive,
    string CosignedCheckpointNote,
    string SubmittedCheckpointNote,
    ulong OldSize,
    IReadOnlyList<MerkleHash> Proof,
    DateTimeOffset ObservedAt);

namespace Federation.Node.Ledger;

/// <summary>
/// A peer's log showed this node, as its witness, a checkpoint it could not reconcile with the one it had cosigned:
/// the same size with another root (<see cref="Conclusive"/>: two histories signed by one key; the witness stops
/// cosigning that log), or a consistency proof that failed. Both signed notes are kept, here and in witness_evidence.
/// </summary>
public sealed record WitnessEquivocationDetected(
    string Origin,
    string SubmittedBy,
    bool Conclusive,
    string CosignedCheckpoint,
    string SubmittedCheckpoint,
    ulong OldSize,
    IReadOnlyList<string> Proof,
    string Reason,
    DateTimeOffset ObservedAt);

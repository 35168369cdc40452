namespace Federation.Core.Ledger;

/// <summary>
/// What a witness keeps per origin: the latest checkpoint it cosigned (size, root, and the signed note as
/// submitted, to show as evidence later), and whether it stopped cosigning because the log equivocated.
/// One row per origin, replaced only by compare-and-swap (see <see cref="Witness"/>).
/// </summary>
public sealed record WitnessRecord(string Origin, ulong Size, MerkleHash RootHash, string CheckpointNote, bool Frozen = false);

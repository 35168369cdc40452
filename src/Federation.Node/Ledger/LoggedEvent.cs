using Federation.Core.Ledger;

namespace Federation.Node.Ledger;

/// <summary>A leaf of the log as stored: its fields, the leaf hash stored in the tree when it was appended (which a
/// reader compares with the hash recomputed from the fields), and, for auditors, the JSON data of its event and
/// where its envelope is stored (<see cref="IEnvelopeEvent"/>).</summary>
public sealed record LoggedEvent(LedgerEntry Entry, MerkleHash StoredLeafHash, string? Data, string? EnvelopeBlob = null, string? EnvelopeSigner = null);

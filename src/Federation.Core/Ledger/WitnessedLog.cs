namespace Federation.Core.Ledger;

/// <summary>
/// A log this witness follows: its origin and the public keys trusted to sign its checkpoints (more than one
/// during a key rotation). In the federation these are the peers' published log keys.
/// </summary>
public sealed record WitnessedLog(string Origin, IReadOnlyList<NoteVerifier> LogKeys);

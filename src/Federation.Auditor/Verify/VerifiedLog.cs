using Federation.Core.Ledger;

namespace Federation.Auditor.Verify;

/// <summary>What <see cref="BundleVerifier"/> established, for the checks that build on it (<see cref="Freshness"/>,
/// <see cref="WitnessedViews"/>): the log's origin and trusted keys, its latest checkpoint (its log signature and root
/// verified), and the tree rebuilt from the bundle's entries.</summary>
public sealed record VerifiedLog(string Origin, IReadOnlyList<NoteVerifier> LogKeys, SignedCheckpoint Latest, MerkleProver Tree);

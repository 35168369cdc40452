namespace Federation.Core.Ledger;

/// <summary>The hash of one perfect subtree, as it is written to and read from a node store.</summary>
public readonly record struct StoredNode(NodeAddress Address, MerkleHash Hash);

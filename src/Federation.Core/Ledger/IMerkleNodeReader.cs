namespace Federation.Core.Ledger;

/// <summary>
/// Read access to the stored hashes of complete (perfect, aligned) subtrees of the log.
/// <para>
/// Storage layout. One row per perfect subtree, keyed by (level, index): level 0 holds the leaf hashes in log
/// order, and the node at (level, index) is SHA-256(0x01 || (level-1, 2·index) || (level-1, 2·index+1)), i.e. the
/// MTH of leaves [index·2^level, (index+1)·2^level). A row is written once, when its last leaf is appended
/// (<see cref="CompactRange.Append(ReadOnlySpan{MerkleHash}, ICollection{StoredNode})"/> hands them out), and
/// is never updated: appending leaf n writes 1 + trailing-ones(n) rows, fewer than 2 per leaf on average, and
/// the table is append-only like the event table. In PostgreSQL this is
/// <c>merkle_node(level smallint, index bigint, hash bytea check (length(hash) = 32), primary key (level, index))</c>;
/// each level is a dense sequence, so the same rows also serve C2SP tlog-tiles (tile level L, index n, entry i is
/// row (8·L, 256·n + i)).
/// </para>
/// <para>
/// Any MTH(D[a:b]) that a root, an inclusion proof or a consistency proof needs splits into at most 64 such
/// subtrees (<see cref="NodeAddress.Cover"/>), so a proof costs O(log n) rows, which
/// <see cref="MerkleProver"/> fetches in a single call.
/// </para>
/// </summary>
public interface IMerkleNodeReader
{
    /// <summary>
    /// The hashes at <paramref name="addresses"/>, in the same order. An address that is not stored (a subtree
    /// beyond the stored tree) is an error, never a default hash: implementations throw
    /// <see cref="KeyNotFoundException"/> naming it.
    /// </summary>
    ValueTask<IReadOnlyList<MerkleHash>> ReadAsync(IReadOnlyList<NodeAddress> addresses, CancellationToken cancellationToken = default);
}

using Federation.Core.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace Federation.Node.Ledger;

/// <summary>Reads stored perfect-subtree hashes from <c>ledger_node</c>: every address of a proof in one query.</summary>
public sealed class LedgerNodeReader(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema) : IMerkleNodeReader
{
    public async ValueTask<IReadOnlyList<MerkleHash>> ReadAsync(IReadOnlyList<NodeAddress> addresses, CancellationToken cancellationToken = default)
    {
        if (addresses.Count == 0) return [];
        await using var cmd = new NpgsqlCommand($"""
            SELECT n.hash FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY AS a(level, node_index, ord)
            LEFT JOIN {schema}.ledger_node n ON n.level = a.level AND n.node_index = a.node_index
            ORDER BY a.ord
            """, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<short[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint, TypedValue = [.. addresses.Select(a => (short)a.Level)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = [.. addresses.Select(a => checked((long)a.Index))] });
        var hashes = new MerkleHash[addresses.Count];
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        for (var i = 0; await reader.ReadAsync(cancellationToken); i++)
        {
            if (reader.IsDBNull(0)) throw new KeyNotFoundException($"No stored subtree at {addresses[i]}.");
            hashes[i] = MerkleHash.FromBytes(reader.GetFieldValue<byte[]>(0));
        }
        return hashes;
    }
}

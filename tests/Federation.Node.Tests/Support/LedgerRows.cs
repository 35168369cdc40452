using Federation.Core.Ledger;
using Npgsql;

namespace Federation.Node.Tests.Support;

/// <summary>
/// The ledger as the database holds it, read as the owner, and recomputed from first principles: every leaf
/// from its row and the event row it names, the tree from those leaves alone. Tests compare the two.
/// </summary>
public sealed class LedgerRows
{
    public required IReadOnlyList<(LedgerEntry Entry, string EventData, DateTimeOffset EventTimestamp, string StreamKey, string EventType)> Leaves { get; init; }
    /// <summary>Events in mt_events, not counting Marten's tombstones (placeholders for the sequence numbers a failed
    /// append burnt, written outside the failed transaction; they record no fact and have no leaf).</summary>
    public required long EventCount { get; init; }

    public required long TombstoneCount { get; init; }
    public required IReadOnlyDictionary<NodeAddress, MerkleHash> StoredNodes { get; init; }

    public static async Task<LedgerRows> ReadAsync(TestNode node)
    {
        await using var conn = new NpgsqlConnection(node.OwnerConnectionString);
        await conn.OpenAsync();
        var leaves = new List<(LedgerEntry, string, DateTimeOffset, string, string)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT l.leaf_index, l.event_id, l.stream_key, l.event_type, l.event_time, l.data_sha256, l.envelope_sha256,
                   e.data::text, e.timestamp, e.stream_id, e.type
            FROM fed.ledger_leaf l LEFT JOIN fed.mt_events e ON e.id = l.event_id ORDER BY l.leaf_index
            """, conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync())
            {
                var envelope = reader.IsDBNull(6) ? null : reader.GetFieldValue<byte[]>(6);
                var entry = LedgerEntry.Create((ulong)reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<byte[]>(5), envelope, envelope is not null);
                leaves.Add((entry, reader.IsDBNull(7) ? "" : reader.GetString(7), reader.IsDBNull(8) ? default : reader.GetFieldValue<DateTimeOffset>(8),
                    reader.IsDBNull(9) ? "" : reader.GetString(9), reader.IsDBNull(10) ? "" : reader.GetString(10)));
            }
        long events, tombstones;
        await using (var cmd = new NpgsqlCommand("SELECT count(*) FILTER (WHERE type <> 'tombstone'), count(*) FILTER (WHERE type = 'tombstone') FROM fed.mt_events", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            (events, tombstones) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        var nodes = new Dictionary<NodeAddress, MerkleHash>();
        await using (var cmd = new NpgsqlCommand("SELECT level, node_index, hash FROM fed.ledger_node", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                nodes.Add(new NodeAddress(reader.GetInt16(0), (ulong)reader.GetInt64(1)), MerkleHash.FromBytes(reader.GetFieldValue<byte[]>(2)));
        return new LedgerRows { Leaves = leaves, EventCount = events, TombstoneCount = tombstones, StoredNodes = nodes };
    }

    /// <summary>The tree rebuilt from the leaf rows alone: its node store and compact range.</summary>
    public (InMemoryMerkleNodeStore Store, CompactRange Range) Recompute()
    {
        var store = new InMemoryMerkleNodeStore();
        var completed = new List<StoredNode>();
        var range = CompactRange.Empty.Append([.. Leaves.Select(l => l.Entry.LeafHash())], completed);
        store.AddRange(completed);
        return (store, range);
    }
}

using Federation.Core.Ledger;
using Federation.Node.Hosting;
using Npgsql;

namespace Federation.Node.Ledger;

/// <summary>
/// Reads the committed log: its size, roots and proofs at any size up to it, and pages of entries. Because
/// appends commit in index order, any snapshot sees a gap-free prefix, so "size" is simply the highest index + 1.
/// </summary>
public sealed class LedgerLog(NpgsqlDataSource db, NodeSettings settings)
{
    private readonly string _schema = settings.Schema;

    public async Task<ulong> SizeAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT coalesce(max(leaf_index) + 1, 0) FROM {_schema}.ledger_leaf");
        return checked((ulong)(long)(await cmd.ExecuteScalarAsync(ct))!);
    }

    public Task<MerkleHash> RootAsync(ulong size, CancellationToken ct) => WithProver((p, c) => p.RootAsync(size, c).AsTask(), ct);

    public Task<IReadOnlyList<MerkleHash>> InclusionProofAsync(ulong index, ulong size, CancellationToken ct) =>
        WithProver((p, c) => p.InclusionProofAsync(index, size, c).AsTask(), ct);

    public Task<IReadOnlyList<MerkleHash>> ConsistencyProofAsync(ulong from, ulong to, CancellationToken ct) =>
        WithProver((p, c) => p.ConsistencyProofAsync(from, to, c).AsTask(), ct);

    /// <summary>
    /// Entries with <paramref name="start"/> ≤ index &lt; <paramref name="end"/>, in order; with
    /// <paramref name="withData"/>, each with its event's stored JSON data (null if the event row is missing).
    /// </summary>
    public async Task<IReadOnlyList<LoggedEvent>> EntriesAsync(ulong start, ulong end, bool withData, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT l.leaf_index, l.event_id, l.stream_key, l.event_type, l.event_time, l.data_sha256, l.envelope_sha256, n.hash,
                   {(withData ? "e.data::text" : "NULL")}, l.envelope_blob, l.envelope_signer
            FROM {_schema}.ledger_leaf l
            JOIN {_schema}.ledger_node n ON n.level = 0 AND n.node_index = l.leaf_index
            {(withData ? $"LEFT JOIN {_schema}.mt_events e ON e.id = l.event_id" : "")}
            WHERE l.leaf_index >= $1 AND l.leaf_index < $2 ORDER BY l.leaf_index
            """);
        cmd.Parameters.AddWithValue(checked((long)start));
        cmd.Parameters.AddWithValue(checked((long)end));
        var entries = new List<LoggedEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            entries.Add(new LoggedEvent(ReadEntry(reader), MerkleHash.FromBytes(reader.GetFieldValue<byte[]>(7)), reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10)));
        return entries;
    }

    internal static LedgerEntry ReadEntry(NpgsqlDataReader reader)
    {
        var envelope = reader.IsDBNull(6) ? null : reader.GetFieldValue<byte[]>(6);
        return LedgerEntry.Create((ulong)reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
            reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<byte[]>(5), envelope, envelope is not null);
    }

    private async Task<T> WithProver<T>(Func<MerkleProver, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await read(new MerkleProver(new LedgerNodeReader(connection, null, _schema)), ct);
    }
}

using Federation.Core.Releases;
using Npgsql;
using NpgsqlTypes;

namespace Federation.Benchmarks.Releases;

/// <summary>The raw baseline the node's storing of a release is compared with: the release's rows decoded in memory
/// beforehand, then one plain Npgsql binary COPY into <c>fed.raw_entries</c> (a copy of the active-entries table).</summary>
internal static class RawEntries
{
    public static async Task<List<(short Signal, byte[] Value, string Classification)>> DecodeAsync(byte[] release, int capacity)
    {
        var rows = new List<(short Signal, byte[] Value, string Classification)>(capacity);
        await foreach (var change in (await ReleaseReader.OpenAsync(new MemoryStream(release))).ReadChangesAsync())
            rows.Add(((short)change.Value.Signal.Code, change.Value.ToArray(), change.Label!.Classification.Value));
        return rows;
    }

    public static async Task CopyAsync(NpgsqlDataSource db, string list, List<(short Signal, byte[] Value, string Classification)> rows)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var w = await conn.BeginBinaryImportAsync("COPY fed.raw_entries (origin, list_id, signal, value, classification, legal_basis, tags, release_version) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (signal, value, classification) in rows)
            {
                await w.StartRowAsync();
                await w.WriteAsync("kr-knpa", NpgsqlDbType.Text);
                await w.WriteAsync(list, NpgsqlDbType.Text);
                await w.WriteAsync(signal, NpgsqlDbType.Smallint);
                await w.WriteAsync(value, NpgsqlDbType.Bytea);
                await w.WriteAsync(classification, NpgsqlDbType.Text);
                await w.WriteNullAsync();
                await w.WriteNullAsync();
                await w.WriteAsync(1L, NpgsqlDbType.Bigint);
            }
            await w.CompleteAsync();
        }
        await tx.CommitAsync();
    }
}

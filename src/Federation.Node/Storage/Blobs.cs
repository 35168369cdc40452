using Npgsql;
using NpgsqlTypes;

namespace Federation.Node.Storage;

/// <summary>Immutable, content-addressed blobs (SHA-256, lower-case hex): signed releases and their signatures.</summary>
public static class Blobs
{
    /// <summary>Stores a blob in the caller's transaction; storing the same content twice is a no-op.</summary>
    public static async Task PutAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, string sha256, string mediaType, byte[] content, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"INSERT INTO {schema}.blobs (sha256, media_type, size, content) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = sha256 });
        cmd.Parameters.Add(new NpgsqlParameter { Value = mediaType });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (long)content.Length });
        cmd.Parameters.Add(new NpgsqlParameter { Value = content, NpgsqlDbType = NpgsqlDbType.Bytea });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public sealed record Blob(string MediaType, byte[] Content);

    public static async Task<Blob?> GetAsync(NpgsqlDataSource db, string schema, string sha256, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand();
        return await ReadAsync(cmd, schema, sha256, ct);
    }

    /// <summary>Reads a blob inside the caller's transaction, so blobs it stored itself are seen.</summary>
    public static async Task<Blob?> GetAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, string sha256, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand { Connection = conn, Transaction = tx };
        return await ReadAsync(cmd, schema, sha256, ct);
    }

    private static async Task<Blob?> ReadAsync(NpgsqlCommand cmd, string schema, string sha256, CancellationToken ct)
    {
        cmd.CommandText = $"SELECT media_type, content FROM {schema}.blobs WHERE sha256 = $1";
        cmd.Parameters.Add(new NpgsqlParameter { Value = sha256 });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new Blob(reader.GetString(0), (byte[])reader[1]) : null;
    }
}

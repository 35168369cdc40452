using Npgsql;

namespace Federation.Node.Storage;

/// <summary>
/// A transaction-level PostgreSQL advisory lock on one event stream, so appends to the same stream from concurrent
/// requests (one officer's parallel match queries, one peer's parallel pushes) wait their turn instead of colliding
/// on Marten's stream version and failing. Released when the transaction commits or rolls back.
/// </summary>
public static class StreamLock
{
    public static async Task HoldAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string stream, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 1))", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = "stream:" + stream });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

using Npgsql;

namespace Federation.Node.Storage;

/// <summary>
/// A session-level PostgreSQL advisory lock named by a string (e.g. "peer-sync:fr-ofmin"): held by one connection until
/// it is released or the connection ends, so "one at a time" holds across node instances and ends with a crash.
/// </summary>
public static class SessionLock
{
    public static async Task<bool> TryAcquireAsync(NpgsqlConnection conn, string name, CancellationToken ct) =>
        await CallAsync(conn, "pg_try_advisory_lock", name, ct);

    public static async Task ReleaseAsync(NpgsqlConnection conn, string name) =>
        await CallAsync(conn, "pg_advisory_unlock", name, CancellationToken.None);

    private static async Task<bool> CallAsync(NpgsqlConnection conn, string function, string name, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {function}(hashtextextended($1, 0))", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = name });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

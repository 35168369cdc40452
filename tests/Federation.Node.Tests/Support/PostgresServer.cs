using Npgsql;

namespace Federation.Node.Tests.Support;

/// <summary>
/// The PostgreSQL server the tests use: <c>FEDERATION_TEST_DB</c> (an admin connection string; the default is the
/// local cluster over its Unix socket as a superuser named after the OS user, which
/// <c>deploy/local/federation.sh test</c> and <c>.ci/run</c> create). Each test class gets its own database.
/// </summary>
public static class PostgresServer
{
    public const string OwnerRole = "fed_owner";
    public const string OwnerPassword = "fed_owner_dev";
    public const string AppRole = "fed_app";
    public const string AppPassword = "fed_app_dev";

    public static string AdminConnectionString { get; } =
        Environment.GetEnvironmentVariable("FEDERATION_TEST_DB") is { Length: > 0 } cs
            ? cs
            : $"Host=/var/run/postgresql;Username={Environment.UserName};Database=postgres";

    private static readonly Lazy<Task> Roles = new(EnsureRolesAsync);
    // CREATE DATABASE copies template1 and fails if another copy is being made at the same moment.
    private static readonly SemaphoreSlim CreateLock = new(1, 1);

    public static async Task<string> CreateDatabaseAsync()
    {
        await Roles.Value;
        var name = "t_" + Guid.NewGuid().ToString("N")[..20];
        await CreateLock.WaitAsync();
        try
        {
            await using var conn = await OpenAdminAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name} OWNER {OwnerRole}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        finally
        {
            CreateLock.Release();
        }
        return name;
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = await OpenAdminAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public static string Tcp(string database, string user, string password)
    {
        var admin = new NpgsqlConnectionStringBuilder(AdminConnectionString);
        var host = admin.Host is { } h && !h.StartsWith('/') ? h : "127.0.0.1";
        return new NpgsqlConnectionStringBuilder { Host = host, Port = admin.Port, Database = database, Username = user, Password = password }.ConnectionString;
    }

    public static string Admin(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    private static async Task<NpgsqlConnection> OpenAdminAsync()
    {
        var conn = new NpgsqlConnection(AdminConnectionString);
        try
        {
            await conn.OpenAsync();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"cannot reach the test PostgreSQL with FEDERATION_TEST_DB='{AdminConnectionString}' ({e.Message}). " +
                "Run the tests with deploy/local/federation.sh test, which starts PostgreSQL and creates the roles.", e);
        }
        return conn;
    }

    private static async Task EnsureRolesAsync()
    {
        await using var conn = await OpenAdminAsync();
        foreach (var (role, password, extra) in new[] { (OwnerRole, OwnerPassword, " CREATEDB"), (AppRole, AppPassword, "") })
        {
            await using var cmd = new NpgsqlCommand($"""
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} LOGIN{extra} PASSWORD '{password}'; END IF;
                EXCEPTION WHEN duplicate_object THEN NULL;
                END $$
                """, conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}

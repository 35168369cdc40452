using Federation.Node.Feedback;
using Federation.Node.Ledger;
using Federation.Node.Matching;
using Hangfire.PostgreSql;
using Marten;
using Npgsql;

namespace Federation.Node.Storage;

/// <summary>
/// Applies the schema as the owner role: Marten's tables, Hangfire's, the append-only trigger on the events table,
/// and the application role's privileges (INSERT and SELECT only on the events). The node itself runs as the
/// application role and changes no schema. Idempotent.
/// </summary>
public static class DatabaseMigrator
{
    public const string HangfireSchema = "hangfire";

    public static async Task MigrateAsync(string ownerConnectionString, string appConnectionString, string schema, CancellationToken ct = default)
    {
        await using (var store = DocumentStore.For(o => MartenSetup.Configure(o, ownerConnectionString, schema, mayChangeSchema: true)))
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        await using var conn = new NpgsqlConnection(ownerConnectionString);
        await conn.OpenAsync(ct);
        PostgreSqlObjectsInstaller.Install(conn, HangfireSchema);

        var app = new NpgsqlConnectionStringBuilder(appConnectionString).Username;
        var owner = new NpgsqlConnectionStringBuilder(ownerConnectionString).Username;
        var sql = $"""
            CREATE OR REPLACE FUNCTION {schema}.reject_event_mutation() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION 'the event history is append-only (% refused on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
            END $$;
            DROP TRIGGER IF EXISTS mt_events_append_only ON {schema}.mt_events;
            CREATE TRIGGER mt_events_append_only BEFORE UPDATE OR DELETE ON {schema}.mt_events
              FOR EACH ROW EXECUTE FUNCTION {schema}.reject_event_mutation();
            DROP TRIGGER IF EXISTS mt_events_no_truncate ON {schema}.mt_events;
            CREATE TRIGGER mt_events_no_truncate BEFORE TRUNCATE ON {schema}.mt_events
              FOR EACH STATEMENT EXECUTE FUNCTION {schema}.reject_event_mutation();
            """;
        await using (var cmd = new NpgsqlCommand(sql, conn)) await cmd.ExecuteNonQueryAsync(ct);
        await using (var cmd = new NpgsqlCommand(NodeTables.Ddl(schema), conn)) await cmd.ExecuteNonQueryAsync(ct);
        await using (var cmd = new NpgsqlCommand(MatchingTables.Ddl(schema) + FeedbackTables.Ddl(schema) + Console.DataProtectionKeyRing.Ddl(schema) + Security.CrlStore.Ddl(schema), conn)) await cmd.ExecuteNonQueryAsync(ct);

        if (app is not null && app != owner)
        {
            var a = Quote(app);
            var grants = $"""
                GRANT USAGE ON SCHEMA {schema}, {HangfireSchema} TO {a};
                GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {a};
                REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.mt_events FROM {a};
                REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.blobs, {schema}.feed FROM {a};
                GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema}, {HangfireSchema} TO {a};
                GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {a};
                GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {HangfireSchema} TO {a};
                """;
            await using var cmd = new NpgsqlCommand(grants, conn);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        // After the blanket grants above, so the ledger's own INSERT/SELECT-only grants are the last word.
        await LedgerSchema.ApplyAsync(conn, schema, app is not null && app != owner ? app : null, ct);
    }

    /// <summary>True when the schema the node needs is in place (used by /readyz).</summary>
    public static async Task<bool> IsReadyAsync(NpgsqlDataSource db, string schema, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = 'mt_events' AND t.tgname IN ('mt_events_append_only', 'mt_events_no_truncate')
            """);
        cmd.Parameters.AddWithValue(schema);
        return (long)(await cmd.ExecuteScalarAsync(ct))! == 2;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

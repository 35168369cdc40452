using Npgsql;

namespace Federation.Node.Ledger;

/// <summary>
/// The ledger's tables, applied by the owner role after Marten's schema: the leaves (one per event, gap-free
/// index), the perfect-subtree hashes of the Merkle tree, the signed checkpoints and the cosignatures peers
/// returned for them; and, as a witness of the peers' logs, the checkpoints this node cosigned (one row per
/// cosignature, so the latest per origin is the highest <c>seq</c>) and any equivocation evidence. Every one of them is
/// append-only in the database itself (the same trigger as the events table), and the application role may only
/// SELECT and INSERT. Idempotent.
/// </summary>
public static class LedgerSchema
{
    /// <summary>Tables that only ever grow; each gets the append-only triggers.</summary>
    public static readonly string[] Tables = ["ledger_leaf", "ledger_node", "ledger_checkpoint", "ledger_cosignature", "witness_log", "witness_evidence"];

    public static async Task ApplyAsync(NpgsqlConnection owner, string schema, string? appRole, CancellationToken ct)
    {
        var sql = $"""
            CREATE TABLE IF NOT EXISTS {schema}.ledger_leaf (
              leaf_index      bigint      PRIMARY KEY CHECK (leaf_index >= 0),
              event_id        uuid        NOT NULL UNIQUE,
              stream_key      text        NOT NULL,
              event_type      text        NOT NULL,
              event_time      timestamptz NOT NULL,
              data_sha256     bytea       NOT NULL CHECK (length(data_sha256) = 32),
              envelope_sha256 bytea       NULL CHECK (length(envelope_sha256) = 32));
            -- Where the envelope a leaf commits to is stored, and who signed it: not part of the leaf (the CMS blob is
            -- malleable), but what an audit export needs to carry the envelope. Added after the first release.
            ALTER TABLE {schema}.ledger_leaf ADD COLUMN IF NOT EXISTS envelope_blob text NULL;
            ALTER TABLE {schema}.ledger_leaf ADD COLUMN IF NOT EXISTS envelope_signer text NULL;
            CREATE TABLE IF NOT EXISTS {schema}.ledger_node (
              level      smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
              node_index bigint   NOT NULL CHECK (node_index >= 0),
              hash       bytea    NOT NULL CHECK (length(hash) = 32),
              PRIMARY KEY (level, node_index));
            CREATE TABLE IF NOT EXISTS {schema}.ledger_checkpoint (
              checkpoint_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              tree_size     bigint      NOT NULL CHECK (tree_size >= 0),
              root_hash     bytea       NOT NULL CHECK (length(root_hash) = 32),
              signed_at     timestamptz NOT NULL,
              note          text        NOT NULL);
            CREATE TABLE IF NOT EXISTS {schema}.ledger_cosignature (
              checkpoint_id  bigint      NOT NULL REFERENCES {schema}.ledger_checkpoint,
              witness        text        NOT NULL,
              signature_line text        NOT NULL,
              cosigned_at    timestamptz NOT NULL,
              PRIMARY KEY (checkpoint_id, witness));
            -- At most one cosignature per witness key per checkpoint, whatever the witness column says: a witness cosigns
            -- again, with a new timestamp, each time it is asked, and a second line of one key must never pass for a
            -- second witness. The key is read from the line itself (em dash, name, base64 of key id || signature).
            CREATE UNIQUE INDEX IF NOT EXISTS ledger_cosignature_one_per_key ON {schema}.ledger_cosignature
              (checkpoint_id, split_part(signature_line, ' ', 2), substring(decode(split_part(signature_line, ' ', 3), 'base64') FROM 1 FOR 4));
            CREATE TABLE IF NOT EXISTS {schema}.witness_log (
              origin      text        NOT NULL,
              seq         bigint      NOT NULL CHECK (seq > 0),
              tree_size   bigint      NOT NULL CHECK (tree_size >= 0),
              root_hash   bytea       NOT NULL CHECK (length(root_hash) = 32),
              note        text        NOT NULL,
              frozen      boolean     NOT NULL,
              recorded_at timestamptz NOT NULL,
              PRIMARY KEY (origin, seq));
            CREATE TABLE IF NOT EXISTS {schema}.witness_evidence (
              evidence_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              origin         text        NOT NULL,
              conclusive     boolean     NOT NULL,
              cosigned_note  text        NOT NULL,
              submitted_note text        NOT NULL,
              old_size       bigint      NOT NULL,
              proof          text        NOT NULL,
              submitted_by   text        NOT NULL,
              observed_at    timestamptz NOT NULL);
            """;
        foreach (var table in Tables)
            sql += $"""

                DROP TRIGGER IF EXISTS {table}_append_only ON {schema}.{table};
                CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {schema}.{table}
                  FOR EACH ROW EXECUTE FUNCTION {schema}.reject_event_mutation();
                DROP TRIGGER IF EXISTS {table}_no_truncate ON {schema}.{table};
                CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {schema}.{table}
                  FOR EACH STATEMENT EXECUTE FUNCTION {schema}.reject_event_mutation();
                """;
        if (appRole is not null)
        {
            var role = "\"" + appRole.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            var tables = string.Join(", ", Tables.Select(t => $"{schema}.{t}"));
            sql += $"""

                GRANT SELECT, INSERT ON {tables} TO {role};
                REVOKE UPDATE, DELETE, TRUNCATE ON {tables} FROM {role};
                GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};
                """;
        }
        await using var cmd = new NpgsqlCommand(sql, owner);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

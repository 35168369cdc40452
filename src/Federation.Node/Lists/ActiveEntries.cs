using Federation.Core.Releases;
using Npgsql;
using NpgsqlTypes;

namespace Federation.Node.Lists;

/// <summary>
/// Applies a verified release to the relational table of active entries, in the caller's transaction, with binary
/// COPY. A list that holds no entries yet and a release without withdrawals is copied straight into the table (the
/// common case, and a million-entry first release); otherwise the changes are copied into a temporary table and
/// merged (withdrawals deleted, additions upserted), so a release is applied whole or not at all.
/// </summary>
public static class ActiveEntries
{
    public static async Task<long> ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, ReleaseSummary summary, Stream release, CancellationToken ct)
    {
        var h = summary.Header;
        var origin = h.Origin.Value;
        var list = h.List.Value;
        var reader = await ReleaseReader.OpenAsync(release, ct);

        bool listEmpty;
        await using (var probe = new NpgsqlCommand($"SELECT NOT EXISTS (SELECT 1 FROM {schema}.active_entries WHERE origin = $1 AND list_id = $2)", conn, tx))
        {
            probe.Parameters.Add(new NpgsqlParameter { Value = origin });
            probe.Parameters.Add(new NpgsqlParameter { Value = list });
            listEmpty = (bool)(await probe.ExecuteScalarAsync(ct))!;
        }

        if (listEmpty && summary.Withdrawn == 0)
        {
            await CopyAsync(conn, $"COPY {schema}.active_entries (origin, list_id, signal, value, classification, legal_basis, tags, release_version) FROM STDIN (FORMAT BINARY)",
                reader, origin, list, h.Version.Value, withWithdrawFlag: false, ct);
        }
        else
        {
            await using (var create = new NpgsqlCommand("""
                CREATE TEMP TABLE release_changes (
                    origin text, list_id text, signal smallint, value bytea, classification text, legal_basis text, tags text,
                    release_version bigint, withdraw boolean) ON COMMIT DROP
                """, conn, tx))
                await create.ExecuteNonQueryAsync(ct);
            await CopyAsync(conn, "COPY release_changes (origin, list_id, signal, value, classification, legal_basis, tags, release_version, withdraw) FROM STDIN (FORMAT BINARY)",
                reader, origin, list, h.Version.Value, withWithdrawFlag: true, ct);
            await using var merge = new NpgsqlCommand($"""
                DELETE FROM {schema}.active_entries a USING release_changes c
                  WHERE c.withdraw AND a.origin = c.origin AND a.list_id = c.list_id AND a.signal = c.signal AND a.value = c.value;
                INSERT INTO {schema}.active_entries (origin, list_id, signal, value, classification, legal_basis, tags, release_version)
                  SELECT origin, list_id, signal, value, classification, legal_basis, tags, release_version FROM release_changes WHERE NOT withdraw
                  ON CONFLICT (origin, list_id, signal, value) DO UPDATE SET classification = excluded.classification,
                    legal_basis = excluded.legal_basis, tags = excluded.tags, release_version = excluded.release_version;
                DROP TABLE release_changes;
                """, conn, tx);
            await merge.ExecuteNonQueryAsync(ct);
        }

        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {schema}.active_entries WHERE origin = $1 AND list_id = $2", conn, tx);
        count.Parameters.Add(new NpgsqlParameter { Value = origin });
        count.Parameters.Add(new NpgsqlParameter { Value = list });
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }

    private static async Task CopyAsync(NpgsqlConnection conn, string copy, ReleaseReader reader, string origin, string list, long version, bool withWithdrawFlag, CancellationToken ct)
    {
        await using var writer = await conn.BeginBinaryImportAsync(copy, ct);
        await foreach (var change in reader.ReadChangesAsync(ct))
        {
            if (change.IsWithdrawal && !withWithdrawFlag) throw new InvalidOperationException("a withdrawal cannot be copied straight into the active entries");
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(origin, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(list, NpgsqlDbType.Text, ct);
            await writer.WriteAsync((short)change.Value.Signal.Code, NpgsqlDbType.Smallint, ct);
            await writer.WriteAsync(change.Value.ToArray(), NpgsqlDbType.Bytea, ct);
            if (change.Label is { } label)
            {
                await writer.WriteAsync(label.Classification.Value, NpgsqlDbType.Text, ct);
                if (label.LegalBasis is { } lb) await writer.WriteAsync(lb, NpgsqlDbType.Text, ct); else await writer.WriteNullAsync(ct);
                if (!label.Tags.IsEmpty) await writer.WriteAsync(label.Tags.Value, NpgsqlDbType.Text, ct); else await writer.WriteNullAsync(ct);
            }
            else
            {
                await writer.WriteAsync("", NpgsqlDbType.Text, ct);
                await writer.WriteNullAsync(ct);
                await writer.WriteNullAsync(ct);
            }
            await writer.WriteAsync(version, NpgsqlDbType.Bigint, ct);
            if (withWithdrawFlag) await writer.WriteAsync(change.IsWithdrawal, NpgsqlDbType.Boolean, ct);
        }
        await writer.CompleteAsync(ct);
    }
}

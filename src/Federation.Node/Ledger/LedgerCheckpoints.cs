using System.Globalization;
using Federation.Core.Ledger;
using Federation.Node.Hosting;
using Npgsql;

namespace Federation.Node.Ledger;

/// <summary>
/// Signs, stores and reads this node's checkpoints. A checkpoint is C2SP tlog-checkpoint text with one extension
/// line, <c>time &lt;POSIX seconds&gt;</c>, the moment it was signed, so that the log's own signature proves how
/// fresh the view is; it is signed with the log key and stored (append-only) before anyone can see it.
/// </summary>
public sealed class LedgerCheckpoints(NpgsqlDataSource db, NodeSettings settings, LedgerSettings ledger, TimeProvider time, ILogger<LedgerCheckpoints> log)
{
    public const string TimeExtension = "time ";

    private readonly string _schema = settings.Schema;

    /// <summary>Signs a checkpoint of the current tree if <see cref="CheckpointPolicy"/> says one is due; null otherwise.
    /// Instances sharing the database take turns (an advisory lock), so two never sign at once.</summary>
    public Task<StoredCheckpoint?> SignIfDueAsync(CancellationToken ct) => SignAsync(force: false, ct);

    /// <summary>Signs a checkpoint of the current tree now, due or not, even of an unchanged size (a new <c>time</c> line):
    /// what an auditor asks for to have it cosigned during an export (<see cref="FreshCheckpoint"/>).</summary>
    /// <exception cref="LogSmallerThanSignedException">The log is smaller than a checkpoint already signed.</exception>
    public async Task<StoredCheckpoint> SignNowAsync(CancellationToken ct) => (await SignAsync(force: true, ct))!;

    private async Task<StoredCheckpoint?> SignAsync(bool force, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, tx))
        {
            lockCmd.Parameters.AddWithValue(LedgerAppend.LockKey(_schema) ^ 0x636B7074); // "ckpt": its own lock, not the appenders'
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        var latest = await LatestAsync(connection, tx, withCosignatures: false, ct);
        ulong size;
        await using (var sizeCmd = new NpgsqlCommand($"SELECT coalesce(max(leaf_index) + 1, 0) FROM {_schema}.ledger_leaf", connection, tx))
            size = checked((ulong)(long)(await sizeCmd.ExecuteScalarAsync(ct))!);
        var now = time.GetUtcNow();
        // Asked even when forced: the policy refuses to sign a tree smaller than one already signed.
        if (!CheckpointPolicy.IsDue(latest?.Size, latest?.SignedAt, size, now, ledger.CheckpointInterval, ledger.Freshness) && !force) return null;

        var root = await new MerkleProver(new LedgerNodeReader(connection, tx, _schema)).RootAsync(size, ct);
        var seconds = now.ToUnixTimeSeconds();
        var checkpoint = Checkpoint.Create(ledger.Origin, size, root, [TimeExtension + seconds.ToString(CultureInfo.InvariantCulture)]);
        var signed = SignedCheckpoint.Sign(checkpoint, ledger.LogKey);
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        long id;
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO {_schema}.ledger_checkpoint (tree_size, root_hash, signed_at, note) VALUES ($1, $2, $3, $4) RETURNING checkpoint_id
            """, connection, tx))
        {
            insert.Parameters.AddWithValue(checked((long)size));
            insert.Parameters.AddWithValue(root.ToArray());
            insert.Parameters.AddWithValue(signedAt);
            insert.Parameters.AddWithValue(signed.ToString());
            id = (long)(await insert.ExecuteScalarAsync(ct))!;
        }
        await tx.CommitAsync(ct);
        log.LogInformation("Signed checkpoint {Id} of {Origin} at size {Size}, root {Root}", id, ledger.Origin, size, root);
        return new StoredCheckpoint(id, signed, signedAt, []);
    }

    /// <summary>The size of the largest checkpoint <paramref name="witness"/> has cosigned for this log (0 if none): the
    /// <c>old</c> size of the next add-checkpoint request to it.</summary>
    public async Task<ulong> LastCosignedSizeAsync(CosignerId witness, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT coalesce(max(c.tree_size), 0) FROM {_schema}.ledger_cosignature s
            JOIN {_schema}.ledger_checkpoint c ON c.checkpoint_id = s.checkpoint_id WHERE s.witness = $1
            """);
        cmd.Parameters.AddWithValue(witness.Value);
        return checked((ulong)(long)(await cmd.ExecuteScalarAsync(ct))!);
    }

    /// <summary>Stores a verified cosignature. The first one stored for a checkpoint by a witness (<see cref="CosignerId"/>) or by a
    /// witness key (name and key id, <c>ledger_cosignature_one_per_key</c>) is kept; any later one is ignored.</summary>
    public async Task AddCosignatureAsync(long checkpointId, CosignerId witness, NoteSignature line, DateTimeOffset cosignedAt, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            INSERT INTO {_schema}.ledger_cosignature (checkpoint_id, witness, signature_line, cosigned_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT DO NOTHING
            """);
        cmd.Parameters.AddWithValue(checkpointId);
        cmd.Parameters.AddWithValue(witness.Value);
        cmd.Parameters.AddWithValue(line.ToLine());
        cmd.Parameters.AddWithValue(cosignedAt);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<StoredCheckpoint?> LatestAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await LatestAsync(connection, null, withCosignatures: true, ct);
    }

    /// <summary>Checkpoint <paramref name="id"/> with the cosignatures stored for it so far, or null.</summary>
    public async Task<StoredCheckpoint?> ByIdAsync(long id, CancellationToken ct) =>
        (await AllAsync(id - 1, 1, ct)).SingleOrDefault(c => c.Id == id);

    /// <summary>Every checkpoint from <paramref name="afterId"/> on, oldest first, with cosignatures (for audit exports).</summary>
    public async Task<IReadOnlyList<StoredCheckpoint>> AllAsync(long afterId, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await ReadAsync(connection, null, afterId, limit, withCosignatures: true, ct);
    }

    private async Task<StoredCheckpoint?> LatestAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, bool withCosignatures, CancellationToken ct) =>
        (await ReadAsync(connection, tx, afterId: null, 1, withCosignatures, ct)).SingleOrDefault();

    /// <summary>Checkpoints after <paramref name="afterId"/> oldest first, or (null) the latest one.</summary>
    private async Task<IReadOnlyList<StoredCheckpoint>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long? afterId, int limit,
        bool withCosignatures, CancellationToken ct)
    {
        var found = new List<(long Id, SignedCheckpoint Signed, DateTimeOffset At)>();
        var sql = afterId is null
            ? $"SELECT checkpoint_id, note, signed_at FROM {_schema}.ledger_checkpoint ORDER BY checkpoint_id DESC LIMIT $1"
            : $"SELECT checkpoint_id, note, signed_at FROM {_schema}.ledger_checkpoint WHERE checkpoint_id > $2 ORDER BY checkpoint_id LIMIT $1";
        await using (var cmd = new NpgsqlCommand(sql, connection, tx))
        {
            cmd.Parameters.AddWithValue(limit);
            if (afterId is { } after) cmd.Parameters.AddWithValue(after);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                found.Add((reader.GetInt64(0), SignedCheckpoint.Parse(reader.GetString(1)), reader.GetFieldValue<DateTimeOffset>(2)));
        }
        var cosignatures = found.ToDictionary(f => f.Id, _ => new List<(CosignerId, NoteSignature)>());
        if (withCosignatures && found.Count > 0)
        {
            await using var cmd = new NpgsqlCommand($"""
                SELECT checkpoint_id, witness, signature_line FROM {_schema}.ledger_cosignature
                WHERE checkpoint_id = ANY($1) ORDER BY checkpoint_id, witness
                """, connection, tx);
            cmd.Parameters.AddWithValue(found.Select(f => f.Id).ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                cosignatures[reader.GetInt64(0)].Add((CosignerId.FromStored(reader.GetString(1)), NoteSignature.ParseLine(reader.GetString(2).TrimEnd('\n'))));
        }
        return [.. found.Select(f => new StoredCheckpoint(f.Id, f.Signed, f.At, cosignatures[f.Id]))];
    }
}

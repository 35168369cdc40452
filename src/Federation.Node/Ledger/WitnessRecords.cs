using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Node.Hosting;
using Marten;
using Npgsql;

namespace Federation.Node.Ledger;

/// <summary>
/// What this node, as a witness, has cosigned for each followed log. The state of an origin is its row with the
/// highest <c>seq</c>; a decision is stored by inserting <c>seq + 1</c>, which the primary key lets only one
/// concurrent request do — a compare-and-swap on an append-only table, so the tlog-witness rollback race (two
/// requests read size N, the slower stores N over N+K) cannot happen.
/// </summary>
public sealed class WitnessRecords(NpgsqlDataSource db, IDocumentStore store, NodeSettings settings, TimeProvider time)
{
    private readonly string _schema = settings.Schema;

    /// <summary>The latest record for <paramref name="origin"/> and its sequence number (0 when none).</summary>
    public async Task<(WitnessRecord? Record, long Seq)> LatestAsync(string origin, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT seq, tree_size, root_hash, note, frozen FROM {_schema}.witness_log WHERE origin = $1 ORDER BY seq DESC LIMIT 1
            """);
        cmd.Parameters.AddWithValue(origin);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return (null, 0);
        return (new WitnessRecord(origin, (ulong)reader.GetInt64(1), MerkleHash.FromBytes(reader.GetFieldValue<byte[]>(2)), reader.GetString(3), reader.GetBoolean(4)),
            reader.GetInt64(0));
    }

    /// <summary>
    /// Stores what <paramref name="decision"/> says to store — the new record, and any evidence (also appended as an
    /// event, so it is in this node's own log) — in one transaction. False when another request stored a record for
    /// the origin since <paramref name="readSeq"/> was read: the caller decides again.
    /// </summary>
    public async Task<bool> TryStoreAsync(WitnessDecision decision, long readSeq, NodeId submittedBy, CancellationToken ct)
    {
        if (decision.NewRecord is null && decision.Evidence is null) return true;
        await using var session = store.LightweightSession();
        var now = time.GetUtcNow();
        if (decision.NewRecord is { } record)
            session.QueueSqlCommand($"""
                INSERT INTO {_schema}.witness_log (origin, seq, tree_size, root_hash, note, frozen, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, record.Origin, readSeq + 1, checked((long)record.Size), record.RootHash.ToArray(), record.CheckpointNote, record.Frozen, now);
        if (decision.Evidence is { } evidence)
        {
            var proof = evidence.Proof.Select(h => h.ToBase64()).ToArray();
            session.QueueSqlCommand($"""
                INSERT INTO {_schema}.witness_evidence (origin, conclusive, cosigned_note, submitted_note, old_size, proof, submitted_by, observed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, evidence.Origin, evidence.Conclusive, evidence.CosignedCheckpointNote, evidence.SubmittedCheckpointNote,
                checked((long)evidence.OldSize), string.Join('\n', proof), submittedBy.Value, evidence.ObservedAt);
            session.Events.Append("witness:" + evidence.Origin, new WitnessEquivocationDetected(evidence.Origin, submittedBy.Value, evidence.Conclusive,
                evidence.CosignedCheckpointNote, evidence.SubmittedCheckpointNote, evidence.OldSize, proof, decision.Reason, evidence.ObservedAt));
        }
        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception e) when (LostTheSwap(e))
        {
            return false;
        }
    }

    /// <summary>Another request inserted the same (origin, seq) first; any other failure is a real error.</summary>
    private static bool LostTheSwap(Exception e) =>
        (e as PostgresException ?? e.InnerException as PostgresException) is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "witness_log_pkey" };

    /// <summary>Every piece of evidence kept for <paramref name="origin"/>, oldest first.</summary>
    public async Task<IReadOnlyList<EquivocationEvidence>> EvidenceAsync(string origin, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT conclusive, cosigned_note, submitted_note, old_size, proof, observed_at FROM {_schema}.witness_evidence
            WHERE origin = $1 ORDER BY evidence_id
            """);
        cmd.Parameters.AddWithValue(origin);
        var found = new List<EquivocationEvidence>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var proof = reader.GetString(4).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(MerkleHash.ParseBase64).ToList();
            found.Add(new EquivocationEvidence(origin, reader.GetBoolean(0), reader.GetString(1), reader.GetString(2), (ulong)reader.GetInt64(3), proof,
                reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return found;
    }
}

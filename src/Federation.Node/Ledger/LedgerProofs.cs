using System.Text.Json;
using Federation.Core.Audit;
using Federation.Core.Ledger;
using Federation.Node.Hosting;
using Federation.Node.Peers;
using Federation.Node.Storage;
using Npgsql;

namespace Federation.Node.Ledger;

/// <summary>
/// One-entry proofs (C2SP tlog-proof v1) for auditors: the entry at an index with its data, envelope and the node's
/// descriptor in <c>extra</c> (<see cref="ProofEntry"/>), its inclusion proof, and the latest checkpoint with every
/// cosignature gathered. The latest checkpoint is the largest, so when it does not cover the entry none does yet.
/// </summary>
public sealed class LedgerProofs(LedgerLog log, LedgerCheckpoints checkpoints, NodeDescriptorSource descriptor, NpgsqlDataSource db, NodeSettingsMonitor settings)
{
    public const string ContentType = "text/plain; charset=utf-8";
    public const string FileExtension = ".tlog-proof";

    /// <summary>A proof, or why there is none (a problem reason, title and detail).</summary>
    public sealed record Outcome(TlogProof? Proof, int Status = 200, string? Reason = null, string? Title = null, string? Detail = null)
    {
        public IResult Refusal => Problems.Result(Status, Reason!, Title!, Detail);
    }

    public async Task<Outcome> ForIndexAsync(ulong index, CancellationToken ct)
    {
        var size = await log.SizeAsync(ct);
        if (index >= size)
            return new(null, StatusCodes.Status404NotFound, "index-beyond-log", "the log has no entry at that index", $"index {index}, but the log has {size} entries");
        var latest = await checkpoints.LatestAsync(ct);
        if (latest is null || latest.Size <= index)
            return new(null, StatusCodes.Status409Conflict, "entry-not-checkpointed", "no signed checkpoint covers the entry yet",
                $"index {index}; the latest checkpoint has {latest?.Size ?? 0} entries; ask again after the next checkpoint");

        var logged = (await log.EntriesAsync(index, index + 1, withData: true, ct)).Single();
        var proof = await log.InclusionProofAsync(index, latest.Size, ct);
        // The entry exactly as the auditor's API serves it, so fedaudit reads it as it reads a bundle's.
        var entry = JsonSerializer.Deserialize<AuditEntry>(JsonSerializer.Serialize(LedgerApi.View(logged, withData: true), JsonSerializerOptions.Web), AuditBundle.Json)!;
        var blobs = new List<(string, byte[])>();
        if (logged.EnvelopeBlob is { } envelope)
            // The envelope, and the content it signs when detached (an attached envelope's content digest names no blob).
            foreach (var sha in new[] { envelope, Convert.ToHexStringLower(logged.Entry.EnvelopeSha256 ?? []) }.Distinct())
                if (sha.Length == 64 && await Blobs.GetAsync(db, settings.Current.Schema, sha, ct) is { } blob)
                    blobs.Add((sha, blob.Content));
        var extra = ProofEntry.Create(settings.Current.NodeId.Value, entry, descriptor.Envelope(), blobs).Encode();
        return new(TlogProof.Create(index, proof, latest.WithCosignatures(), extra, hasExtra: true));
    }

    /// <summary>The index of the entry of event <paramref name="eventId"/> in stream <paramref name="streamKey"/>, or null
    /// if the log has no such entry (yet: events are appended to the log just after they commit).</summary>
    public async Task<ulong?> IndexOfAsync(Guid eventId, string streamKey, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT leaf_index FROM {settings.Current.Schema}.ledger_leaf WHERE event_id = $1 AND stream_key = $2");
        cmd.Parameters.AddWithValue(eventId);
        cmd.Parameters.AddWithValue(streamKey);
        return await cmd.ExecuteScalarAsync(ct) is long index ? (ulong)index : null;
    }

    /// <summary>The download name of the proof of entry <paramref name="index"/>.</summary>
    public string FileName(ulong index) => $"{settings.Current.NodeId.Value}-entry-{index}{FileExtension}";
}

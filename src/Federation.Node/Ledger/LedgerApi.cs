using System.Globalization;
using System.Text.Json;
using Federation.Core.Ledger;
using Federation.Node.Audit;
using Federation.Node.Hosting;
using Federation.Node.Peers;
using Federation.Node.Security;
using Federation.Node.Storage;
using Npgsql;

namespace Federation.Node.Ledger;

/// <summary>
/// The log's read API, twice: under <c>/federation/v1/log</c> for peers, and under <c>/api/v1/log</c> on the agency
/// port for auditors. Peers get each leaf's index and hash, which is all that witnessing and checking proofs need;
/// auditors also get what the leaf commits to (stream key, event type, time, digests) and each event's data. A stream
/// key names who consulted what (<c>access:…</c>) and which request a case is (<c>request:…</c>), personal data a peer
/// has no part in (EU LED Art. 4, 25). Hashes are standard base64, as in checkpoints and tlog proofs; proofs list
/// hashes leaf to root (RFC 6962 PATH / PROOF).
/// </summary>
public static class LedgerApi
{
    public const string TextContentType = "text/plain; charset=utf-8";

    /// <summary>The most entries one page returns.</summary>
    public const int MaxPage = 1000;

    /// <summary>The most checkpoints one page returns.</summary>
    public const int MaxCheckpoints = 100;

    public static void MapLedgerApi(this IEndpointRouteBuilder app)
    {
        app.MapWitnessApi();
        var federation = app.MapGroup("/federation/v1/log").RequireAuthorization(Policies.Peer);
        federation.MapGet("/key", Key);
        federation.MapGet("/checkpoint", LatestCheckpoint);
        federation.MapGet("/proof/inclusion", InclusionProof);
        federation.MapGet("/proof/consistency", ConsistencyProof);
        federation.MapGet("/entries", PeerEntries);

        // Consultations by people: each needs a justification and leaves an access record (EU LED Art. 25).
        var agency = app.MapGroup("/api/v1/log").RequireAuthorization(Policies.Auditor).RequireJustification().WithTags("Log");
        agency.MapGet("/key", Key).WithSummary("The log's C2SP verifier key (auditors).");
        agency.MapGet("/checkpoint", LatestCheckpoint).WithSummary("The latest signed checkpoint with its cosignatures (auditors).");
        agency.MapGet("/proof/inclusion", InclusionProof).WithSummary("RFC 6962 inclusion proof of leaf `index` in the tree of `size` leaves (auditors).");
        agency.MapGet("/proof/consistency", ConsistencyProof).WithSummary("RFC 6962 consistency proof between tree sizes `from` and `to` (auditors).");
        agency.MapGet("/entries", (LedgerLog log, string? start, string? end, CancellationToken ct) => Entries(log, start, end, withData: true, ct))
            .WithSummary($"Leaves `start` ≤ index < `end` (at most {MaxPage}) with each event's data (auditors).");
        // State-changing (it signs, and asks every peer): a declared JSON body of {} (CrossSiteGuard).
        agency.MapPost("/checkpoint/fresh", FreshCheckpointNow).Accepts<System.Text.Json.Nodes.JsonObject>("application/json")
            .WithSummary("Sign a checkpoint now, even of an unchanged size, and have every peer cosign it now; the note with the cosignatures and each witness's answer (auditors). Body: {}.");
        agency.MapGet("/witnessed", async (WitnessViews views, CancellationToken ct) => TypedResults.Ok(await views.CollectAsync(ct)))
            .WithSummary("Each peer's own view of this log: the latest checkpoint it cosigned, as it served it, or why there is none (auditors).");
        agency.MapGet("/checkpoints", Checkpoints).WithSummary($"Every signed checkpoint after id `after`, oldest first, at most {MaxCheckpoints} (auditors).");
        agency.MapGet("/blobs/{sha256}", Blob)
            .WithSummary("A stored blob (an envelope or its detached content) named by a log entry, exactly as stored (auditors).");
        agency.MapGet("/proof", Proof)
            .WithSummary("A C2SP tlog-proof (c2sp.org/tlog-proof@v1) of entry `index` against the latest checkpoint, with the entry, its data and envelope in `extra` (auditors).");
        agency.MapGet("/descriptor", (NodeDescriptorSource source) => TypedResults.Bytes(source.Envelope(), PeersApi.DescriptorContentType))
            .WithSummary("The node's signed descriptor, which binds its log key to its agency CA (auditors).");
    }

    public sealed record InclusionProofView(ulong Index, ulong Size, string LeafHash, IReadOnlyList<string> Proof);

    public sealed record ConsistencyProofView(ulong From, ulong To, IReadOnlyList<string> Proof);

    public sealed record EntryView(ulong Index, Guid EventId, string StreamKey, string EventType, DateTimeOffset Timestamp, long TimestampMicros,
        string DataSha256, string? EnvelopeSha256, string LeafHash, JsonElement? Data, EnvelopeView? Envelope);

    /// <summary>Where the signed envelope a leaf commits to is stored (auditors fetch it from <c>/api/v1/log/blobs/</c>).</summary>
    public sealed record EnvelopeView(string Blob, string SignedBy);

    public sealed record EntriesView(ulong TreeSize, ulong Start, ulong End, IReadOnlyList<EntryView> Entries);

    /// <summary>A leaf as a peer sees it: where it is and its hash, nothing of what it commits to.</summary>
    public sealed record PeerEntryView(ulong Index, string LeafHash);

    public sealed record PeerEntriesView(ulong TreeSize, ulong Start, ulong End, IReadOnlyList<PeerEntryView> Entries);

    public sealed record CheckpointView(long Id, DateTimeOffset SignedAt, ulong Size, string Note);

    /// <summary>A checkpoint signed on request, with the cosignatures it got and every witness's answer.</summary>
    public sealed record FreshCheckpointView(long Id, DateTimeOffset SignedAt, ulong Size, string Note, IReadOnlyList<WitnessAnswerView> Witnesses);

    /// <summary>One witness's answer: cosigned (with its timestamp) or why not.</summary>
    public sealed record WitnessAnswerView(string Witness, bool Cosigned, string Detail);

    private static IResult Key(LedgerSettings ledger) => TypedResults.Text(ledger.LogKey.Verifier + "\n", TextContentType);

    private static async Task<IResult> LatestCheckpoint(LedgerCheckpoints checkpoints, CancellationToken ct) =>
        await checkpoints.LatestAsync(ct) is { } latest
            ? TypedResults.Text(latest.WithCosignatures().ToString(), TextContentType)
            : Problems.Result(StatusCodes.Status404NotFound, "no-checkpoint", "no checkpoint has been signed yet");

    private static async Task<IResult> FreshCheckpointNow(FreshCheckpoint fresh, CancellationToken ct)
    {
        FreshCheckpoint.Result result;
        try { result = await fresh.SignAndWitnessAsync(ct); }
        catch (LogSmallerThanSignedException e)
        {
            return Problems.Result(StatusCodes.Status409Conflict, LogSmallerThanSignedException.Reason, "the log is smaller than a checkpoint it signed", e.Message);
        }
        var c = result.Checkpoint;
        return TypedResults.Ok(new FreshCheckpointView(c.Id, c.SignedAt, c.Size, c.WithCosignatures().ToString(),
            [.. result.Witnesses.OrderBy(w => w.Witness.Value, StringComparer.Ordinal).Select(w => new WitnessAnswerView(w.Witness.Value, w.Cosigned, w.Detail))]));
    }

    private static async Task<IResult> Checkpoints(LedgerCheckpoints checkpoints, string? after, CancellationToken ct)
    {
        var from = after is null ? 0 : Parse(after);
        if (from is not { } a) return Invalid("after", after);
        var page = await checkpoints.AllAsync(checked((long)a), MaxCheckpoints, ct);
        return TypedResults.Ok(page.Select(c => new CheckpointView(c.Id, c.SignedAt, c.Size, c.WithCosignatures().ToString())).ToList());
    }

    private static async Task<IResult> InclusionProof(LedgerLog log, string? index, string? size, CancellationToken ct)
    {
        if (Parse(index) is not { } i) return Invalid("index", index);
        if (Parse(size) is not { } n) return Invalid("size", size);
        if (i >= n) return Problems.Result(StatusCodes.Status400BadRequest, "index-not-in-tree", "the leaf is not in a tree of that size", $"index {i} is not below size {n}");
        if (await BeyondLog(log, n, ct) is { } beyond) return beyond;
        var leaf = (await log.EntriesAsync(i, i + 1, withData: false, ct)).Single().StoredLeafHash;
        var proof = await log.InclusionProofAsync(i, n, ct);
        return TypedResults.Ok(new InclusionProofView(i, n, leaf.ToBase64(), [.. proof.Select(h => h.ToBase64())]));
    }

    private static async Task<IResult> Proof(LedgerProofs proofs, HttpContext http, string? index, CancellationToken ct)
    {
        if (Parse(index) is not { } i) return Invalid("index", index);
        var outcome = await proofs.ForIndexAsync(i, ct);
        if (outcome.Proof is not { } proof) return outcome.Refusal;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{proofs.FileName(i)}\"";
        return TypedResults.Text(proof.ToString(), LedgerProofs.ContentType);
    }

    private static async Task<IResult> ConsistencyProof(LedgerLog log, string? from, string? to, CancellationToken ct)
    {
        if (Parse(from) is not { } m) return Invalid("from", from);
        if (Parse(to) is not { } n) return Invalid("to", to);
        if (m > n) return Problems.Result(StatusCodes.Status400BadRequest, "from-beyond-to", "the old size is larger than the new one", $"from {m} > to {n}");
        if (await BeyondLog(log, n, ct) is { } beyond) return beyond;
        var proof = await log.ConsistencyProofAsync(m, n, ct);
        return TypedResults.Ok(new ConsistencyProofView(m, n, [.. proof.Select(h => h.ToBase64())]));
    }

    private static async Task<IResult> Entries(LedgerLog log, string? start, string? end, bool withData, CancellationToken ct)
    {
        var (page, refusal) = await PageAsync(log, start, end, withData, ct);
        return refusal ?? TypedResults.Ok(new EntriesView(page.Size, page.Start, page.End, [.. page.Entries.Select(e => View(e, withData))]));
    }

    private static async Task<IResult> PeerEntries(LedgerLog log, string? start, string? end, CancellationToken ct)
    {
        var (page, refusal) = await PageAsync(log, start, end, withData: false, ct);
        return refusal ?? TypedResults.Ok(new PeerEntriesView(page.Size, page.Start, page.End,
            [.. page.Entries.Select(e => new PeerEntryView(e.Entry.Index, e.StoredLeafHash.ToBase64()))]));
    }

    private readonly record struct Page(ulong Size, ulong Start, ulong End, IReadOnlyList<LoggedEvent> Entries);

    /// <summary>Leaves <paramref name="start"/> ≤ index &lt; <paramref name="end"/>, at most <see cref="MaxPage"/>, or why not.</summary>
    private static async Task<(Page Page, IResult? Refusal)> PageAsync(LedgerLog log, string? start, string? end, bool withData, CancellationToken ct)
    {
        if (Parse(start) is not { } a) return (default, Invalid("start", start));
        if (Parse(end) is not { } b) return (default, Invalid("end", end));
        if (a >= b) return (default, Problems.Result(StatusCodes.Status400BadRequest, "empty-range", "the range is empty", $"start {a} is not below end {b}"));
        var size = await log.SizeAsync(ct);
        var last = Math.Min(Math.Min(b, a + MaxPage), size);
        var entries = a < last ? await log.EntriesAsync(a, last, withData, ct) : [];
        return (new Page(size, a, Math.Max(a, last), entries), null);
    }

    internal static EntryView View(LoggedEvent e, bool withData)
    {
        var entry = e.Entry;
        JsonElement? data = withData && e.Data is { } json ? JsonDocument.Parse(json).RootElement.Clone() : null;
        return new EntryView(entry.Index, entry.EventId, entry.StreamKey, entry.EventType, entry.Timestamp, entry.TimestampMicroseconds,
            Convert.ToBase64String(entry.DataSha256), entry.EnvelopeSha256 is { } env ? Convert.ToBase64String(env) : null, e.StoredLeafHash.ToBase64(), data,
            withData && e.EnvelopeBlob is { } blob ? new EnvelopeView(blob, e.EnvelopeSigner ?? "") : null);
    }

    private static async Task<IResult> Blob(NpgsqlDataSource db, NodeSettingsMonitor settings, string sha256, CancellationToken ct)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
            return Problems.Result(StatusCodes.Status400BadRequest, "digest-invalid", "a blob is named by the lower-case hex SHA-256 of its bytes", $"'{sha256}'");
        var schema = settings.Current.Schema;
        // Only what the log names: an envelope, or the detached content its leaf commits to.
        await using var named = db.CreateCommand($"""
            SELECT EXISTS (SELECT 1 FROM {schema}.ledger_leaf WHERE envelope_blob = $1 OR envelope_sha256 = decode($1, 'hex'))
            """);
        named.Parameters.Add(new NpgsqlParameter { Value = sha256 });
        if (!(bool)(await named.ExecuteScalarAsync(ct))!)
            return Problems.Result(StatusCodes.Status404NotFound, "blob-not-logged", "no log entry names this blob", sha256);
        // Served as stored, never re-hashed here: judging whether the bytes still match their name is the auditor's job.
        return await Blobs.GetAsync(db, schema, sha256, ct) is { } blob
            ? TypedResults.Bytes(blob.Content, "application/octet-stream")
            : Problems.Result(StatusCodes.Status404NotFound, "object-not-found", "a log entry names this blob, but it is not stored", sha256);
    }

    private static async Task<IResult?> BeyondLog(LedgerLog log, ulong size, CancellationToken ct)
    {
        var current = await log.SizeAsync(ct);
        return size > current
            ? Problems.Result(StatusCodes.Status400BadRequest, "size-beyond-log", "the log is not that large", $"size {size} exceeds the log's {current} leaves")
            : null;
    }

    private static ulong? Parse(string? value) =>
        value is not null && ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= long.MaxValue ? n : null;

    private static IResult Invalid(string name, string? value) =>
        Problems.Result(StatusCodes.Status400BadRequest, "invalid-parameter", $"'{name}' must be a whole number",
            value is null ? $"the query parameter '{name}' is missing" : $"'{name}' = '{value}' is not a decimal number below 2^63");
}

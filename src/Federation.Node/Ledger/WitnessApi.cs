using System.Text;
using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Node.Hosting;
using Federation.Node.Security;

namespace Federation.Node.Ledger;

/// <summary><c>POST /federation/v1/witness/add-checkpoint</c> (C2SP tlog-witness) for peers. Success is the cosignature
/// line; 409 is the size this witness knows, as <c>text/x.tlog.size</c>; every other refusal is its spec status with an
/// RFC 9457 problem whose reason names the verdict. And <c>GET /federation/v1/witness/{origin}/latest</c>: what this
/// witness has seen of a log, for a peer's auditor to hold against that log's own export.</summary>
public static class WitnessApi
{
    public const string AddCheckpointPath = "/federation/v1/witness/add-checkpoint";

    /// <summary>The origin is one path segment, percent-encoded (<c>federation.node%2Fkr-knpa%2Flog</c>).</summary>
    public const string LatestPath = "/federation/v1/witness/{origin}/latest";

    public const string OriginNotWitnessed = "origin-not-witnessed";
    public const string LogFrozen = "log-frozen";

    /// <summary>The path a peer asks for <paramref name="origin"/>'s latest.</summary>
    public static string LatestPathOf(string origin) => LatestPath.Replace("{origin}", Uri.EscapeDataString(origin), StringComparison.Ordinal);

    /// <summary>A request is a header of at most 64 proof lines and a note of at most 100 signatures: far below this.</summary>
    public const int MaxBody = 64 * 1024;

    public static void MapWitnessApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(AddCheckpointPath, AddCheckpoint).RequireAuthorization(Policies.Peer)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBody));
        app.MapGet(LatestPath, Latest).RequireAuthorization(Policies.Peer);
    }

    /// <summary>
    /// The latest checkpoint of <paramref name="origin"/> this node cosigned, as a signed note: the log's signature as
    /// submitted and this witness's cosignature, made now. Signing at answer time is what the cosignature means (tlog-
    /// cosignature: as of its timestamp, the largest consistent tree the witness has seen), and lets a peer's auditor
    /// see how recent the view is. Other witnesses' lines, submitted with the checkpoint, are left out. A log this node
    /// caught equivocating gets no cosignature: the evidence, not a view, is what holds for it.
    /// </summary>
    private static async Task<IResult> Latest(string origin, WitnessRecords records, NodeSettingsMonitor settings, LedgerSettings ledger, TimeProvider time,
        CancellationToken ct)
    {
        // Routing keeps %2F encoded inside a segment; the origin is named by its unescaped text.
        var name = Uri.UnescapeDataString(origin);
        if (!settings.Current.Peers.Values.Any(p => p.LogOrigin == name))
            return Problems.Result(StatusCodes.Status404NotFound, OriginNotWitnessed, "this node witnesses no log of that origin", $"'{name}' is no peer's log");
        var (record, _) = await records.LatestAsync(name, ct);
        if (record is null)
            return Problems.Result(StatusCodes.Status404NotFound, OriginNotWitnessed, "this node has cosigned no checkpoint of that log", $"'{name}'");
        if (record.Frozen)
            return Problems.Result(StatusCodes.Status403Forbidden, LogFrozen, "this node saw the log equivocate and cosigns it no more",
                $"'{name}' signed two different trees of size {record.Size}");
        var submitted = SignedCheckpoint.Parse(record.CheckpointNote);
        var seconds = time.GetUtcNow().ToUnixTimeSeconds();
        var cosignature = ledger.WitnessKey.Cosign(submitted.Note.Text, (ulong)seconds);
        var note = SignedNote.Create(submitted.Note.Text, [.. submitted.Signatures.Where(s => s.Name == name), cosignature]);
        return TypedResults.Text(note.ToString(), LedgerApi.TextContentType, Encoding.UTF8);
    }

    private static async Task<IResult> AddCheckpoint(HttpContext http, WitnessService witness, CancellationToken ct)
    {
        var caller = NodeId.Parse(http.User.FindFirst(ClientCertificatePolicy.PeerClaim)!.Value);
        if (await ReadBodyAsync(http.Request, ct) is not { } body)
            return Problems.Result(StatusCodes.Status413PayloadTooLarge, "body-too-large", "the request body is too large", $"at most {MaxBody} bytes");
        if (!AddCheckpointRequest.TryParse(body, out var request, out var problem))
            return Problems.Result(StatusCodes.Status400BadRequest, "malformed-request", "the add-checkpoint request does not parse", problem);

        var decision = await witness.AddCheckpointAsync(caller, request, ct);
        return decision.Verdict switch
        {
            WitnessVerdict.Cosigned or WitnessVerdict.OldSizeConflict =>
                TypedResults.Text(decision.ResponseBody!, decision.ContentType, Encoding.UTF8, decision.StatusCode),
            _ => Problems.Result(decision.StatusCode, Reason(decision.Verdict), "the witness refused the checkpoint", decision.Reason),
        };
    }

    /// <summary>The verdict in the problem's reason, kebab-case: <c>SameSizeDifferentRoot</c> → <c>same-size-different-root</c>.</summary>
    public static string Reason(WitnessVerdict verdict) =>
        string.Concat(verdict.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBody) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBody) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null; // the endpoint's size limit, counted by Kestrel on a chunked body
        }
        return buffer.ToArray();
    }
}

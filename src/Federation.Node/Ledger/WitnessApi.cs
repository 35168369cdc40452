using System.Text;
using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Node.Hosting;
using Federation.Node.Security;

namespace Federation.Node.Ledger;

/// <summary><c>POST /federation/v1/witness/add-checkpoint</c> (C2SP tlog-witness) for peers. Success is the cosignature
/// line; 409 is the size this witness knows, as <c>text/x.tlog.size</c>; every other refusal is its spec status with an
/// RFC 9457 problem whose reason names the verdict.</summary>
public static class WitnessApi
{
    public const string AddCheckpointPath = "/federation/v1/witness/add-checkpoint";

    /// <summary>A request is a header of at most 64 proof lines and a note of at most 100 signatures: far below this.</summary>
    public const int MaxBody = 64 * 1024;

    public static void MapWitnessApi(this IEndpointRouteBuilder app) =>
        app.MapPost(AddCheckpointPath, AddCheckpoint).RequireAuthorization(Policies.Peer)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBody));

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

using System.Security.Claims;
using System.Text.Json;
using Federation.Core.Identity;
using Federation.Node.Hosting;
using Federation.Node.Security;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Federation.Node.Sync;

/// <summary>
/// Push: <c>POST /federation/v1/inbox</c> takes one urgent item from the calling peer — the same feed entry and objects
/// a pull would fetch — and runs it through the same <see cref="ItemReceiver"/> path as pull, the caller being the
/// peer (so signer = caller = origin). Applied or already held, the answer is a receipt signed by this node; refused,
/// it is a problem with the reason, and nothing is applied. The body has a size limit: large items travel by pull.
/// </summary>
public static class InboxApi
{
    /// <summary>Base64 makes a pushed object about 4/3 its size; JSON framing adds little.</summary>
    public const long MaxBodyBytes = 2 * Storage.FeedWriter.MaxPushBytes;

    /// <summary>What a sender posts: the item's feed entry (its position in the sender's feed) and its objects.</summary>
    public sealed record InboxRequest(FeedApi.FeedEntry Item, byte[] Content, byte[]? Signature);

    public static void MapInboxApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/federation/v1/inbox", Receive).RequireAuthorization(Policies.Peer).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));

    private static readonly HashSet<string> Forbidden = ["origin-not-peer", "not-in-audience", "signer-not-origin", "chain-untrusted", "peer-not-configured"];

    private static async Task<IResult> Receive(HttpContext http, ClaimsPrincipal caller, NodeSettingsMonitor settings, IDocumentStore store, NpgsqlDataSource db,
        ItemReceiver receiver, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(InboxApi));
        var s = settings.Current;
        var callerId = caller.FindFirstValue(ClientCertificatePolicy.PeerClaim)!;
        if (!NodeId.TryParse(callerId, out var peerId) || !s.Peers.TryGetValue(peerId, out var peer))
            return Problems.Result(403, "peer-not-configured", $"{callerId} is not a configured peer");
        if (http.Request.ContentLength > MaxBodyBytes)
            return Problems.Result(413, "inbox-too-large", $"a pushed item may be at most {MaxBodyBytes} bytes; larger items travel by pull");

        InboxRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<InboxRequest>(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return Problems.Result(413, "inbox-too-large", $"a pushed item may be at most {MaxBodyBytes} bytes; larger items travel by pull");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            return Problems.Result(400, "inbox-malformed", "the body is not a pushed item", e.Message);
        }
        if (request?.Item is not { Kind: not null, Id: not null, Origin: not null, ContentSha256: not null } entry || request.Content is null)
            return Problems.Result(400, "inbox-malformed", "the body is not a pushed item", "item, its kind, id, origin, contentSha256 and content are required");

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx));
        var reception = new ItemReception(conn, tx, session, s, peer, time.GetUtcNow());
        var outcome = await receiver.ReceiveAsync(reception, new ReceivedItem(entry, request.Content, request.Signature, "push"), ct);
        DateTimeOffset received;
        switch (outcome)
        {
            case ItemReceiver.Outcome.Refused { Refusal: var r }:
                await tx.RollbackAsync(ct);
                log.LogWarning("Refused pushed {Kind} {Id} from {Peer}: {Reason} ({Detail})", entry.Kind, entry.Id, peer.NodeId, r.Reason, r.Detail);
                return Problems.Result(Forbidden.Contains(r.Reason) ? 403 : 422, r.Reason, $"the pushed {entry.Kind} was refused", r.Detail);
            case ItemReceiver.Outcome.Applied a:
                received = a.ReceivedAt;
                break;
            case ItemReceiver.Outcome.Duplicate d:
                received = d.ReceivedAt;
                break;
            default:
                throw new InvalidOperationException($"unexpected outcome {outcome}");
        }
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        // Signed after the commit: a receipt promises the item is held. Should signing fail, the sender retries and
        // gets a receipt for the duplicate, with the first receive time.
        var receipt = new PushReceipt(PushReceipt.CurrentVersion, s.NodeId.Value, peer.NodeId.Value, entry.Kind, entry.Id, entry.Position, entry.ContentSha256, received);
        return TypedResults.Bytes(receipt.Sign(s.SigningCertificate, time), PushReceipt.MediaType);
    }
}

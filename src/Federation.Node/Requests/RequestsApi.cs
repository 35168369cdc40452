using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Federation.Core.Requests;
using Federation.Node.Audit;
using Federation.Node.Hosting;
using Federation.Node.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Federation.Node.Requests;

/// <summary>
/// Cross-border requests on the agency API: draft, the inbox and outbox, a case (a logged consultation) and one route
/// per action. Thin: every rule lives in <see cref="RequestRules"/> and every write in <see cref="RequestDesk"/>.
/// </summary>
public static class RequestsApi
{
    public static void MapRequestsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/requests").RequireAuthorization(Policies.Person).WithTags("Requests");
        api.MapPost("/", Draft).RefusedAs("the request was not drafted").Accepts<RequestDesk.NewRequest>("application/json")
            .Produces<RequestDesk.RequestView>(201).ProducesProblem(403).ProducesProblem(422)
            .WithSummary("Draft a request (officer). Body: type, profile (legal basis), priority, requestedNode, requesterRef, details, links.");
        api.MapGet("/", List).Produces<IReadOnlyList<RequestDesk.RequestSummary>>()
            .WithSummary("Inbox (box=inbox: requests to this node) or outbox (box=outbox), filtered by state, peer, type, priority and overdue, soonest due first (cases without a running clock last, newest first); at most `limit` lines (default 200, 1–1000). Archived cases only with archived=true.");
        api.MapGet("/{caseRef}", Get).RequireJustification().Produces<RequestDesk.RequestView>().ProducesProblem(404)
            .WithSummary("A case with its signed history. A consultation: X-Justification header required, recorded in the access log.");
        api.MapPost("/{caseRef}/actions/{action}", Act).RefusedAs(http => $"'{http.GetRouteValue("action")}' was refused").Accepts<JsonObject>("application/json")
            .Produces<RequestDesk.RequestView>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422)
            .WithSummary("Take one step in a case; the action names the transition and the body carries what it needs.")
            .WithDescription(ActionsDescription);
        api.MapPost("/{caseRef}/audit-notes", Note).RefusedAs("the audit note was refused").Accepts<AuditNoteBody>("application/json")
            .Produces<RequestDesk.RequestView>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(422)
            .WithSummary("Attach an auditor's signed finding to a case (auditor only; not a transition, the state does not change; stays on this node). Body: {finding}.");
        api.MapPost("/{caseRef}/archive", ArchiveCase).RefusedAs("the case was not archived").Accepts<ArchiveBody>("application/json")
            .Produces<RequestDesk.RequestView>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422)
            .WithSummary("Archive a closed case on this node before its retention period ends (auditor, as data-protection officer). Body: {reason}. The node archives closed cases itself after Node:Requests:ArchiveAfterDays.");
    }

    /// <summary>The body of <c>POST /api/v1/requests/{caseRef}/audit-notes</c>.</summary>
    public sealed record AuditNoteBody(string Finding);

    /// <summary>The body of <c>POST /api/v1/requests/{caseRef}/archive</c>.</summary>
    public sealed record ArchiveBody(string Reason);

    /// <summary>Each action's body, as the OpenAPI document states it (docs/requests.md has the same table).</summary>
    public const string ActionsDescription = """
        edit {details, priority?, requesterRef?, links?} (officer, draft) ·
        submit {} (officer: draft → in-review; the profile's required fields must be present) ·
        return {reason} (supervisor: in-review/awaiting-validation → draft) ·
        approve {} (supervisor, never an author of the request: → approved, awaiting-validation, or approved with validation due in 48 h for an emergency) ·
        validate {validatorRef?} (validator) ·
        send {} (officer or supervisor: approved → sent; the approved version goes to the peer) ·
        acknowledge {responderRef} (case handler or duty officer: delivered → acknowledged) ·
        request-information {reason} (case handler: → info-requested, clock paused) ·
        answer {note, amended?} (officer: info-requested → acknowledged, clock resumed; with amended details only a proposal until co-signed) ·
        co-sign-answer {} (a supervisor other than the proposing officer: the amended answer goes out as a new version) ·
        accept {conditions?} · postpone {reason, reviewOn} · resume {} (case handler) ·
        refuse {ground, reasons} (case handler proposes) · co-sign-refusal {} (a supervisor other than the proposer: → refused) ·
        preserve {} (case handler: accepted → preserved for the profile's period) · extend {} (supervisor, once) · release {reason} (officer) ·
        confirm-follow-up {followUp} (officer or supervisor; also taken when a request linked follows-preservation is sent: preserved pending that decision, no expiry) ·
        respond {manifest: {items: [{sha256, size, label, category?, locator?}], partialReason?}} (case handler: accepted → responded; digests, never evidence) ·
        withdraw {reason} (supervisor) · close {reason} (officer) ·
        ask-use {question} (requested side's case handler, duty officer or supervisor, after a response: Budapest Art 28(4)) ·
        explain-use {explanation} (requesting side's officer or supervisor, while a question is open) ·
        rectify-request {reason, amended} (requesting side's supervisor, once sent: corrected details, a new version; the peer's people are told) ·
        rectify-response {reason, manifest} (requested side's supervisor, after a response: the corrected manifest) ·
        restrict {kind: use-restricted|must-delete, reason} (requested side's supervisor, after a response: a flag, not a state) ·
        confirm-deletion {note} (requesting side's supervisor, when deletion is required)
        """;

    private static RequestDesk.Person PersonOf(ClaimsPrincipal user) => new(
        user.FindFirst(ClientCertificatePolicy.PersonClaim)!.Value, user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet());

    private static async Task<JsonHttpResult<RequestDesk.RequestView>> Draft(RequestDesk.NewRequest body, ClaimsPrincipal user, RequestDesk desk, CancellationToken ct) =>
        TypedResults.Json(await desk.DraftAsync(PersonOf(user), body, ct), RequestJson.Options, statusCode: 201);

    private static async Task<Results<JsonHttpResult<IReadOnlyList<RequestDesk.RequestSummary>>, ProblemHttpResult>> List(RequestDesk desk, string? box, string? state, string? peer, string? type, string? priority, bool? overdue, int? limit,
        bool? archived, CancellationToken ct)
    {
        if (box is not (null or RequestFile.Inbox or RequestFile.Outbox)) return Problems.Result(400, "request-box-invalid", "box is inbox or outbox");
        if (limit is < 1 or > RequestDesk.MaxLimit)
            return Problems.Result(400, "request-limit-invalid", $"limit is between 1 and {RequestDesk.MaxLimit} (default {RequestDesk.DefaultLimit})");
        return TypedResults.Json(await desk.ListAsync(new RequestDesk.RequestQuery(box, state, peer, type, priority, overdue, limit ?? RequestDesk.DefaultLimit,
            archived ?? false), ct),
            RequestJson.Options);
    }

    private static async Task<Results<JsonHttpResult<RequestDesk.RequestView>, ProblemHttpResult>> Note(string caseRef, AuditNoteBody body, ClaimsPrincipal user, RequestDesk desk, CancellationToken ct) =>
        CaseRef.TryParse(caseRef, out var c) ? await TakeAsync(desk.NoteAsync(PersonOf(user), c, body.Finding, ct)) : InvalidCaseRef(caseRef);

    private static async Task<Results<JsonHttpResult<RequestDesk.RequestView>, ProblemHttpResult>> ArchiveCase(string caseRef, ArchiveBody body, ClaimsPrincipal user, RequestDesk desk, CancellationToken ct) =>
        CaseRef.TryParse(caseRef, out var c) ? await TakeAsync(desk.ArchiveAsync(PersonOf(user), c, body.Reason, ct)) : InvalidCaseRef(caseRef);

    private static ProblemHttpResult InvalidCaseRef(string caseRef) => Problems.Result(400, "request-case-ref-invalid", $"'{caseRef}' is not a case reference");

    /// <summary>One step taken: the case as it now stands (a refusal names its rule through the endpoint's <see cref="Refusals"/> filter).</summary>
    private static async Task<JsonHttpResult<RequestDesk.RequestView>> TakeAsync(Task<RequestDesk.RequestView> taking) => TypedResults.Json(await taking, RequestJson.Options);

    private static async Task<Results<JsonHttpResult<RequestDesk.RequestView>, ProblemHttpResult>> Get(string caseRef, ClaimsPrincipal user, RequestDesk desk, CancellationToken ct)
    {
        if (!CaseRef.TryParse(caseRef, out var parsed)) return InvalidCaseRef(caseRef);
        return await desk.GetAsync(PersonOf(user), parsed, ct) is { } view
            ? TypedResults.Json(view, RequestJson.Options)
            : Problems.Result(404, CaseStepReceiver.UnknownCase, $"this node holds no case {caseRef}");
    }

    private static async Task<Results<JsonHttpResult<RequestDesk.RequestView>, ProblemHttpResult>> Act(string caseRef, string action, HttpContext http, ClaimsPrincipal user, RequestDesk desk, CancellationToken ct)
    {
        if (!CaseRef.TryParse(caseRef, out var parsed)) return InvalidCaseRef(caseRef);
        JsonObject? body = null;
        if (http.Request.ContentLength is not 0 && http.Request.HasJsonContentType())
        {
            try
            {
                body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct) as JsonObject;
            }
            catch (JsonException e)
            {
                return Problems.Result(400, "request-body-invalid", "the body is not a JSON object", e.Message);
            }
        }
        return await TakeAsync(desk.ActAsync(PersonOf(user), parsed, action, body, ct));
    }
}

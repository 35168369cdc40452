using System.Security.Claims;
using Federation.Core.Requests;
using Federation.Node.Hosting;
using Federation.Node.Requests;
using Federation.Node.Security;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Console.Requests;

/// <summary>
/// One case: its timeline (both sides' signed steps and receipts), the response clock, details and links, and the
/// actions this person may take now — those whose side, role and state the request rules admit (<see cref="RequestRules"/>);
/// the rules' other guards are checked when the action is taken, by <see cref="RequestDesk"/>, and a refusal is shown
/// with its reason. Viewing is a consultation: the person states why once per case visit, and each view is logged.
/// </summary>
public sealed class CaseModel(RequestDesk desk, ConsultationVisits visits, NodeSettingsMonitor settings, TimeProvider time, IQuerySession session,
    ConsoleNavigation navigation) : PageModel
{
    /// <summary>For an auditor: the event of each signed step (by its document's SHA-256), whose log entry "download a proof" proves.</summary>
    public IReadOnlyDictionary<string, Guid> StepEvents { get; private set; } = new Dictionary<string, Guid>();

    public RequestDesk.RequestView? View { get; private set; }
    public IReadOnlyList<string> Actions { get; private set; } = [];
    public string? VisitToken { get; private set; }
    public string? Justification { get; private set; }
    public string? Error { get; private set; }
    public string? Done { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public string CaseRefText { get; private set; } = "";

    public IActionResult OnGet(string caseRef)
    {
        if (!CaseRef.TryParse(caseRef, out _)) return NotFound();
        CaseRefText = caseRef;
        return Page();
    }

    public Task<IActionResult> OnPostViewAsync(string caseRef, CancellationToken ct) => ShowAsync(caseRef, null, ct);

    public Task<IActionResult> OnPostActAsync(string caseRef, string action, CancellationToken ct) => ShowAsync(caseRef, action, ct);

    private async Task<IActionResult> ShowAsync(string caseRef, string? action, CancellationToken ct)
    {
        if (!CaseRef.TryParse(caseRef, out var parsed)) return NotFound();
        CaseRefText = caseRef;
        var outcome = await visits.ViewAsync(HttpContext, "case:" + caseRef, Request.Form["justification"], Request.Form[ConsultationVisits.FieldName], ct);
        if (!outcome.Allowed)
        {
            Error = "Justification_" + outcome.Error;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        (VisitToken, Justification) = (outcome.Token, outcome.Justification);
        if (action is not null)
        {
            try
            {
                _ = action switch
                {
                    AuditNoteAction => await desk.NoteAsync(PersonOf(User), parsed, Request.Form["finding"].ToString().Trim(), ct),
                    ArchiveAction => await desk.ArchiveAsync(PersonOf(User), parsed, Request.Form["reason"].ToString().Trim(), ct),
                    _ => await desk.ActAsync(PersonOf(User), parsed, action, RequestFields.ActionJson(action, Request.Form), ct),
                };
                Done = action;
            }
            catch (Refusal e)
            {
                Error = $"{e.Reason}: {e.Detail}";
                Response.StatusCode = e.Status;
            }
        }
        View = await desk.GetAsync(PersonOf(User), parsed, ct);
        if (View is null) return NotFound();
        Now = time.GetUtcNow();
        Actions = ActionsFor(View.Case, User, settings.Current.NodeId);
        if (await navigation.MayAsync(User, Policies.Auditor))
            StepEvents = (await session.Events.FetchStreamAsync(RequestFile.Stream(parsed), token: ct))
                .Where(e => e.Data is RequestStepRecorded).GroupBy(e => ((RequestStepRecorded)e.Data).DocumentSha256).ToDictionary(g => g.Key, g => g.First().Id);
        return Page();
    }

    /// <summary>An auditor's note and archiving: offered beside the actions, though neither is a transition of the shared case.</summary>
    public const string AuditNoteAction = "audit-note";
    public const string ArchiveAction = "archive";

    /// <summary>The actions whose side, roles and starting states admit this person now; for auditors, the audit note and archiving a closed case.</summary>
    public static IReadOnlyList<string> ActionsFor(RequestCase c, ClaimsPrincipal user, Core.Identity.NodeId self)
    {
        var side = c.SideOf(self);
        var roles = user.FindAll(ClaimTypes.Role).Select(r => r.Value).Select(r => RequestFields.FromJsonOrNull<CaseRole>(r)).OfType<CaseRole>().ToHashSet();
        var actions = RequestRules.Table
            // Editing a draft and rectifying a request's details take a whole set of details: the API's.
            .Where(r => RequestDesk.PersonActions.Contains(r.Action) && r.Action is not ("edit" or "rectify-request"))
            .Where(r => r.Side == side && r.Roles.Any(roles.Contains) && r.From.Contains(c.State))
            // A co-signature is offered only when there is a proposal to co-sign, a confirmation only when one is awaited.
            .Where(r => r.Action switch
            {
                "co-sign-refusal" => c.PendingRefusal is not null,
                "co-sign-answer" => c.PendingAmendment is not null,
                "confirm-deletion" => c.Restriction?.DeletionAwaited == true,
                "restrict" => c.Manifest is not null && c.Restriction?.DeletionAwaited != true,
                "rectify-response" => c.Manifest is not null,
                "ask-use" => c.Manifest is not null && c.UseQuestions?.LastOrDefault()?.Open != true,
                "explain-use" => c.UseQuestions?.LastOrDefault()?.Open == true,
                _ => true,
            })
            .Select(r => r.Action).ToList();
        if (roles.Contains(CaseRole.Auditor)) actions.Add(AuditNoteAction);
        if (roles.Contains(CaseRole.Auditor) && c.State == RequestState.Closed && c.Archived is null && c.Restriction?.DeletionAwaited != true)
            actions.Add(ArchiveAction);
        return actions;
    }

    private static RequestDesk.Person PersonOf(ClaimsPrincipal user) => new(
        user.FindFirst(Security.ClientCertificatePolicy.PersonClaim)!.Value, user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet());
}

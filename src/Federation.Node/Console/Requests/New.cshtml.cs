using System.Security.Claims;
using System.Text.Json;
using Federation.Core.Requests;
using Federation.Node.Hosting;
using Federation.Node.Requests;
using Federation.Node.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Federation.Node.Console.Requests;

/// <summary>
/// Draft a request (officers, as the request rules say). The form shows the fields the chosen profile, type and
/// priority require (<see cref="ProcedureProfile.MissingFields"/> of an empty draft) and names, in plain language,
/// those still missing before drafting; <see cref="RequestDesk"/> drafts it exactly as <c>POST /api/v1/requests</c>.
/// Opened from a Match hit (<see cref="StartFrom"/>), it carries the hit's hash reference into the details.
/// </summary>
[Authorize(Policy = Policies.Officer)]
public sealed class NewModel(RequestDesk desk, NodeSettingsMonitor settings) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Type { get; set; } = RequestFields.Json(RequestType.PoliceInfo);
    [BindProperty(SupportsGet = true)] public string Profile { get; set; } = ProcedureProfiles.All[0].Code;
    [BindProperty(SupportsGet = true)] public string Priority { get; set; } = RequestFields.Json(Core.Requests.Priority.Normal);
    [BindProperty(SupportsGet = true)] public string? RequestedNode { get; set; }
    [BindProperty] public string? RequesterRef { get; set; }
    /// <summary>Hash references (<see cref="HashRefText"/>) a Match hit attached; they stay through every step of the form.</summary>
    [BindProperty(SupportsGet = true, Name = RequestFields.HashRefsField)] public List<string> HashRefs { get; set; } = [];

    public IReadOnlyList<string> Peers { get; private set; } = [];
    public IReadOnlyList<RequestFields.Field> Required { get; private set; } = [];
    public IReadOnlyList<string> Missing { get; private set; } = [];
    public IReadOnlyList<HashReference> HashReferences { get; private set; } = [];
    public string? Error { get; private set; }

    public IActionResult OnGet() => Prepare() ? Page() : BadRequest();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!Prepare()) return BadRequest();
        var (type, priority, profile) = Parsed();
        var details = RequestFields.DetailsJson(Request.Form).Deserialize<RequestDetails>(RequestJson.Options)!;
        var missing = profile.MissingFields(type, priority, details).ToList();
        if (string.IsNullOrWhiteSpace(RequesterRef)) missing.Insert(0, "requesterRef");
        if (missing.Count > 0)
        {
            Missing = missing;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        try
        {
            var person = new RequestDesk.Person(User.FindFirst(ClientCertificatePolicy.PersonClaim)!.Value,
                User.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet());
            var view = await desk.DraftAsync(person, new RequestDesk.NewRequest(type, profile.Code, priority, RequestedNode ?? "", RequesterRef!.Trim(), details, null), ct);
            return Redirect($"/console/requests/{view.Case.Case}");
        }
        catch (Refusal e)
        {
            Error = $"{e.Reason}: {e.Detail}";
            Response.StatusCode = e.Status;
            return Page();
        }
    }

    private bool Prepare()
    {
        Peers = [.. settings.Current.Peers.Keys.Select(p => p.Value).Order(StringComparer.Ordinal)];
        RequestedNode ??= Peers.FirstOrDefault();
        if (RequestFields.FromJsonOrNull<RequestType>(Type) is null || RequestFields.FromJsonOrNull<Core.Requests.Priority>(Priority) is null
            || !ProcedureProfiles.TryFind(Profile, out _))
            return false;
        var refs = HashRefs.Select(t => HashRefText.TryParse(t, out var r) ? r : null).ToList();
        if (refs.Contains(null)) return false;
        HashReferences = [.. refs.OfType<HashReference>()];
        var (type, priority, profile) = Parsed();
        // Attached references count: a takedown that has them no longer asks for identifiers.
        var needed = profile.MissingFields(type, priority, new RequestDetails { HashRefs = HashReferences.Count > 0 ? HashReferences : null }).ToHashSet();
        Required = [.. RequestFields.Details.Where(f => needed.Contains(f.Name))];
        return true;
    }

    /// <summary>
    /// The New request page for a hit: to the hit's origin agency, takedown assistance by default (the officer may change
    /// the type and profile on the form), with the entry's reference attached. Only the reference goes in the link.
    /// </summary>
    public static string StartFrom(Matching.MatchAnswer.Hit hit) => QueryHelpers.AddQueryString(ConsoleSetup.PathPrefix + "/requests/new", new Dictionary<string, string?>
    {
        ["type"] = RequestFields.Json(RequestType.TakedownAssist),
        ["profile"] = ProcedureProfiles.TakedownAssistance.Code,
        ["requestedNode"] = hit.Origin,
        [RequestFields.HashRefsField] = HashRefText.Format(new HashReference($"{hit.Origin}/{hit.ListId}", hit.ReleaseVersion, hit.Signal, hit.Value)),
    });

    private (RequestType, Core.Requests.Priority, ProcedureProfile) Parsed() =>
        (RequestFields.FromJson<RequestType>(Type), RequestFields.FromJson<Core.Requests.Priority>(Priority), ProcedureProfiles.Find(Profile));
}

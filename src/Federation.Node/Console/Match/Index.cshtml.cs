using Federation.Core.Matching;
using Federation.Node.Audit;
using Federation.Node.Feedback;
using Federation.Node.Hosting;
using Federation.Node.Matching;
using Federation.Node.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Console.Match;

/// <summary>
/// Match pasted hashes (this page) or dropped files (<see cref="FilesModel"/>) through <see cref="MatchService"/>, the
/// agency API's matcher, which checks the role and the justification and records the consultation with the hashes
/// queried. Officers can send feedback on a hit (<see cref="FeedbackService"/>, as <c>POST /api/v1/feedback</c>).
/// </summary>
[Authorize(Policy = Policies.OfficerOrSupervisor)]
public sealed class IndexModel(MatchService matcher, FeedbackService feedback, ConsoleNavigation navigation, NodeSettingsMonitor settings) : PageModel
{
    public static readonly MatchService.Channel Channel = new("POST", "/console/match");

    public MatchAnswer? Answer { get; private set; }
    public string? Error { get; private set; }
    public string? Sent { get; private set; }
    public bool MaySendFeedback { get; private set; }
    public bool MayStartRequest { get; private set; }

    /// <summary>The results partial's model, with what this person may do from a hit.</summary>
    public MatchResults Results(MatchAnswer answer) => new(answer, MaySendFeedback, MayStartRequest, settings.Current.NodeId.Value);

    [BindProperty] public string? Justification { get; set; }
    [BindProperty] public string? Hashes { get; set; }

    public Task OnGetAsync() => PermissionsAsync();

    public async Task<IActionResult> OnPostHashesAsync(CancellationToken ct)
    {
        await PermissionsAsync();
        if (ParseHashes(Hashes) is not { } inputs) return Fail("Match_HashesInvalid");
        try
        {
            Answer = await matcher.MatchAsync(inputs, Consultant.Of(HttpContext), Justification ?? "", Channel, ct);
        }
        catch (Refusal e)
        {
            return Fail($"{e.Reason}: {e.Detail}", e.Status);
        }
        return Page();
    }

    /// <summary>Feedback on a hit: officers only, like the API (the button is not shown to others).</summary>
    public async Task<IActionResult> OnPostFeedbackAsync(string origin, string listId, string signal, string value, string verdict, string? note, CancellationToken ct)
    {
        await PermissionsAsync();
        if (!MaySendFeedback) return Forbid();
        try
        {
            var sent = await feedback.SendAsync(new FeedbackService.Request(origin, listId, signal, value, verdict, note), User.Identity!.Name!, ct);
            Sent = sent.Verdict;
        }
        catch (Refusal e)
        {
            return Fail($"{e.Reason}: {e.Detail}", e.Status);
        }
        return Page();
    }

    /// <summary>
    /// Feedback is the feedback API's policy; starting a request opens the New request page, so it is that page's
    /// policy (the page checks it again).
    /// </summary>
    private async Task PermissionsAsync()
    {
        MaySendFeedback = await navigation.MayAsync(User, Policies.Officer);
        MayStartRequest = await navigation.MayAsync(User, NewRequestPolicy);
    }

    /// <summary>The policy of <see cref="Requests.NewModel"/>, read from its attribute so the two cannot drift apart.</summary>
    public static readonly string NewRequestPolicy =
        ((AuthorizeAttribute)Attribute.GetCustomAttribute(typeof(Requests.NewModel), typeof(AuthorizeAttribute))!).Policy!;

    /// <summary>One hash a line: <c>sha256 &lt;hex&gt;</c>, <c>md5 &lt;hex&gt;</c>, <c>pdq &lt;hex&gt;</c> (or with ':'); a bare
    /// 32-digit value is MD5 and a bare 64-digit one SHA-256 (a PDQ hash must be named: it has 64 digits too).</summary>
    public static IReadOnlyList<MatchInput>? ParseHashes(string? text)
    {
        var inputs = new List<MatchInput>();
        foreach (var raw in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = raw.Split([' ', ':', '\t', ','], 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var (signal, value) = parts.Length == 2 ? (parts[0].ToLowerInvariant(), parts[1]) : (parts[0].Length == 32 ? "md5" : "sha256", parts[0]);
            MatchInput? input = signal switch
            {
                "sha256" when Sha256Hash.TryParse(value, out var sha256) => new MatchInput(null, null, sha256, null, null, null),
                "md5" when Md5Hash.TryParse(value, out var md5) => new MatchInput(null, null, null, md5, null, null),
                "pdq" when PdqHash.TryParse(value, out var pdq) => new MatchInput(null, null, null, null, new PdqResult(pdq, 100), null),
                _ => null,
            };
            if (input is null) return null;
            inputs.Add(input);
        }
        return inputs.Count == 0 ? null : inputs;
    }

    private PageResult Fail(string error, int status = StatusCodes.Status400BadRequest)
    {
        Error = error;
        Response.StatusCode = status;
        return Page();
    }
}

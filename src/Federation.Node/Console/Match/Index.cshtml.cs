using Federation.Core.Matching;
using Federation.Node.Audit;
using Federation.Node.Feedback;
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
public sealed class IndexModel(MatchService matcher, FeedbackService feedback, ConsoleNavigation navigation) : PageModel
{
    public static readonly MatchService.Channel Channel = new("POST", "/console/match");

    public MatchAnswer? Answer { get; private set; }
    public string? Error { get; private set; }
    public string? Sent { get; private set; }
    public bool MaySendFeedback { get; private set; }

    [BindProperty] public string? Justification { get; set; }
    [BindProperty] public string? Hashes { get; set; }

    public async Task OnGetAsync() => MaySendFeedback = await navigation.MayAsync(User, Policies.Officer);

    public async Task<IActionResult> OnPostHashesAsync(CancellationToken ct)
    {
        MaySendFeedback = await navigation.MayAsync(User, Policies.Officer);
        if (ParseHashes(Hashes) is not { } inputs) return Fail("Match_HashesInvalid");
        try
        {
            Answer = await matcher.MatchAsync(inputs, Consultant.Of(HttpContext), Justification ?? "", Channel, ct);
        }
        catch (MatchRefused e)
        {
            return Fail($"{e.Reason}: {e.Message}", e.Status);
        }
        return Page();
    }

    /// <summary>Feedback on a hit: officers only, like the API (the button is not shown to others).</summary>
    public async Task<IActionResult> OnPostFeedbackAsync(string origin, string listId, string signal, string value, string verdict, string? note, CancellationToken ct)
    {
        if (!await navigation.MayAsync(User, Policies.Officer)) return Forbid();
        MaySendFeedback = true;
        try
        {
            var sent = await feedback.SendAsync(new FeedbackService.Request(origin, listId, signal, value, verdict, note), User.Identity!.Name!, ct);
            Sent = sent.Verdict;
        }
        catch (FeedbackService.Refused e)
        {
            return Fail($"{e.Reason}: {e.Message}", e.Status);
        }
        return Page();
    }

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

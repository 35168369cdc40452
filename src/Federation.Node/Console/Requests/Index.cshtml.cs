using Federation.Node.Requests;
using Federation.Node.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Console.Requests;

/// <summary>Inbox (requests to this node) and outbox (requests from it), as <c>GET /api/v1/requests</c>: soonest due
/// first, so overdue cases lead. Listing is not a consultation (no case data beyond the line); opening a case is.</summary>
public sealed class IndexModel(RequestDesk desk, TimeProvider time, ConsoleNavigation navigation) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Box { get; set; } = RequestFile.Inbox;
    [BindProperty(SupportsGet = true)] public string? State { get; set; }
    [BindProperty(SupportsGet = true)] public string? Peer { get; set; }
    [BindProperty(SupportsGet = true)] public string? Type { get; set; }
    [BindProperty(SupportsGet = true)] public string? Priority { get; set; }
    [BindProperty(SupportsGet = true)] public bool Overdue { get; set; }
    /// <summary>Archived cases instead of the working ones.</summary>
    [BindProperty(SupportsGet = true)] public bool Archived { get; set; }

    public IReadOnlyList<RequestDesk.RequestSummary> Cases { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }
    public bool MayDraft { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Box is not (RequestFile.Inbox or RequestFile.Outbox)) return NotFound();
        Now = time.GetUtcNow();
        Cases = await desk.ListAsync(new RequestDesk.RequestQuery(Box, Blank(State), Blank(Peer), Blank(Type), Blank(Priority), Overdue ? true : null,
            Archived: Archived), ct);
        MayDraft = await navigation.MayAsync(User, Policies.Officer);
        return Page();
    }

    /// <summary>How near the deadline is: overdue, due within a quarter of a day, or later.</summary>
    public string Urgency(RequestDesk.RequestSummary c) =>
        c.DueAt is not { } due ? "none" : c.Overdue ? "overdue" : due - Now < TimeSpan.FromHours(6) ? "soon" : "later";

    public string TimeLeft(RequestDesk.RequestSummary c) => c.DueAt is { } due ? Span(due - Now) : "—";

    public static string Span(TimeSpan t)
    {
        var sign = t < TimeSpan.Zero ? "−" : "";
        t = t.Duration();
        return sign + (t.TotalDays >= 1 ? $"{(int)t.TotalDays} d {t.Hours} h" : t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes} min" : $"{t.Minutes} min");
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

using System.Globalization;
using System.Text;
using Federation.Node.Audit;
using Federation.Node.Ledger;
using Federation.Node.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Federation.Node.Console.Audit;

/// <summary>
/// The access log for auditors, with filters and a CSV export, and the signed history as an audit bundle. Reading the access log is a consultation: the auditor
/// states why once per visit, and every view and export is recorded with that justification. POST only, so the
/// filters and the visit never land in URLs.
/// </summary>
[Authorize(Policy = Policies.Auditor)]
public sealed class IndexModel(IQuerySession session, ConsultationVisits visits, AuditBundleWriter bundles, IStringLocalizer<ConsoleText> text) : PageModel
{
    public const string VisitName = "access-log";
    public const int ShownRows = 200;

    public IReadOnlyList<AccessRecorded>? Records { get; private set; }
    public string? VisitToken { get; private set; }
    public string? Error { get; private set; }

    [BindProperty] public string? Justification { get; set; }
    [BindProperty(Name = ConsultationVisits.FieldName)] public string? Visit { get; set; }
    [BindProperty] public string? Person { get; set; }
    [BindProperty] public DateTime? From { get; set; }
    [BindProperty] public DateTime? To { get; set; }
    [BindProperty] public string? Text { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostViewAsync(CancellationToken ct)
    {
        if (!await BeginAsync(ct)) return Page();
        Records = await AccessQuery.FindAsync(session, Filter(), ShownRows, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostExportAsync(CancellationToken ct)
    {
        if (!await BeginAsync(ct)) return Page();
        var records = await AccessQuery.FindAsync(session, Filter(), AccessQuery.MaxRows, ct);
        var name = $"access-log-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.csv";
        return File(Encoding.UTF8.GetBytes(AccessQuery.ToCsv(records)), "text/csv; charset=utf-8", name);
    }

    /// <summary>The signed history itself, as <c>fedctl audit export</c> writes it, zipped: check it offline with fedaudit.</summary>
    public async Task<IActionResult> OnPostBundleAsync(CancellationToken ct)
    {
        if (!await BeginAsync(ct)) return Page();
        if (await bundles.WriteAsync(ct) is not { } zip)
        {
            Error = text["Audit_NoCheckpoint"];
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        var name = $"audit-bundle-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.zip";
        return File(zip, "application/zip", name); // the result disposes the stream, which deletes the temporary file
    }

    private async Task<bool> BeginAsync(CancellationToken ct)
    {
        var outcome = await visits.ViewAsync(HttpContext, VisitName, Justification, Visit, ct);
        if (!outcome.Allowed)
        {
            Error = outcome.Error;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return false;
        }
        VisitToken = outcome.Token;
        Justification = outcome.Justification;
        return true;
    }

    // Dates from the form are whole days in UTC; "to" includes its day.
    private AccessQuery.Filter Filter() => new(Person,
        From is { } f ? new DateTimeOffset(f.Date, TimeSpan.Zero) : null,
        To is { } t ? new DateTimeOffset(t.Date.AddDays(1), TimeSpan.Zero) : null,
        Text);
}

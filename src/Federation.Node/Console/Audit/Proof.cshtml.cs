using Federation.Core.Identity;
using Federation.Core.Releases;
using Federation.Core.Requests;
using Federation.Node.Ledger;
using Federation.Node.Lists;
using Federation.Node.Requests;
using Federation.Node.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Console.Audit;

/// <summary>
/// "Download a proof" on the case and list screens: the C2SP tlog-proof of one item's entry in the node's log
/// (<see cref="LedgerProofs"/>), for auditors. Reading the log is a consultation, so the download needs a justification:
/// the case screen's visit (its token is bound to the case) or one typed beside the button. The entry must belong to
/// the item the visit is about (its stream), so a case's visit cannot be spent on another item's entry.
/// </summary>
[Authorize(Policy = Policies.Auditor)]
public sealed class ProofModel(LedgerProofs proofs, ConsultationVisits visits) : PageModel
{
    /// <summary>What the download is about: <c>case:&lt;case ref&gt;</c> or <c>list:&lt;origin&gt;/&lt;list id&gt;</c>.</summary>
    [BindProperty] public string? Item { get; set; }
    [BindProperty(Name = "event")] public Guid Event { get; set; }
    [BindProperty] public string? Justification { get; set; }
    [BindProperty(Name = ConsultationVisits.FieldName)] public string? Visit { get; set; }

    public string? Error { get; private set; }
    public string? ErrorDetail { get; private set; }

    public IActionResult OnGet() => RedirectToPage("/Audit/Index");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (StreamOf(Item) is not { } item) return Fail(StatusCodes.Status400BadRequest, "Proof_UnknownItem", Item);
        var stream = item.Stream;
        // The case screen's visit token names its case ("case:<ref>"), exactly this item.
        var outcome = await visits.ViewAsync(HttpContext, Item, Justification, Visit, ct);
        if (!outcome.Allowed) return Fail(StatusCodes.Status400BadRequest, "Justification_" + outcome.Error, null);
        if (await proofs.IndexOfAsync(Event, stream, ct) is not { } index)
            return Fail(StatusCodes.Status404NotFound, "Proof_NotLogged", $"{Event} / {stream}");
        var proof = await proofs.ForIndexAsync(index, ct);
        if (proof.Proof is not { } file) return Fail(proof.Status, "Proof_" + proof.Reason, proof.Detail);
        return File(file.ToBytes(), LedgerProofs.ContentType, proofs.FileName(index));
    }

    /// <summary>The log stream of a case or a list named as the console names them, and the screen it is shown on; null if neither.</summary>
    public static (string Stream, string Screen)? StreamOf(string? item)
    {
        if (item is null) return null;
        if (item.StartsWith(CasePrefix, StringComparison.Ordinal) && CaseRef.TryParse(item[CasePrefix.Length..], out var caseRef))
            return (RequestFile.Stream(caseRef), $"/console/requests/{caseRef.Value}");
        if (item.StartsWith(ListPrefix, StringComparison.Ordinal) && item[ListPrefix.Length..].Split('/') is [var origin, var list]
            && NodeId.TryParse(origin, out _) && ListId.TryParse(list, out _))
            return (HashList.Stream(origin, list), $"/console/lists/{origin}/{list}");
        return null;
    }

    public const string CasePrefix = "case:";
    public const string ListPrefix = "list:";

    /// <summary>The screen to go back to after a refusal.</summary>
    public string Back => StreamOf(Item)?.Screen ?? "/console";

    private IActionResult Fail(int status, string error, string? detail)
    {
        (Error, ErrorDetail) = (error, detail);
        Response.StatusCode = status;
        return Page();
    }
}

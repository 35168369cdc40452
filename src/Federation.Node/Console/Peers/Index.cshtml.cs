using Federation.Node.Hosting;
using Federation.Node.Ledger;
using Federation.Node.Peers;
using Federation.Node.Security;
using Marten;
using Npgsql;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Console.Peers;

/// <summary>
/// Peers with their sync health (the agency API's <c>GET /api/v1/peers</c> views) for every person, and, for
/// auditors, this node's latest checkpoint with its witnesses' cosignatures. Reading the node's log is a consultation
/// on the API (<c>/api/v1/log</c> asks a justification), so here too: the auditor states why once per visit.
/// </summary>
public sealed class IndexModel(NodeSettingsMonitor settings, IQuerySession session, NpgsqlDataSource db, TimeProvider time, LedgerCheckpoints checkpoints,
    ConsultationVisits visits, ConsoleNavigation navigation, Sync.SyncOptions syncOptions) : PageModel
{
    public const string VisitName = "log";

    public IReadOnlyList<PeersApi.PeerView> Peers { get; private set; } = [];
    public bool MayReadLog { get; private set; }
    public StoredCheckpoint? Checkpoint { get; private set; }
    public bool CheckpointShown { get; private set; }
    public string? VisitToken { get; private set; }
    public string? Error { get; private set; }

    [BindProperty] public string? Justification { get; set; }
    [BindProperty(Name = ConsultationVisits.FieldName)] public string? Visit { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCheckpointAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!MayReadLog) return Forbid();
        var outcome = await visits.ViewAsync(HttpContext, VisitName, Justification, Visit, ct);
        if (!outcome.Allowed)
        {
            Error = outcome.Error;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        VisitToken = outcome.Token;
        Justification = outcome.Justification;
        Checkpoint = await checkpoints.LatestAsync(ct);
        CheckpointShown = true;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Peers = await PeersApi.Views(settings, session, db, time, syncOptions, null, ct);
        MayReadLog = await navigation.MayAsync(User, Policies.Auditor);
    }
}

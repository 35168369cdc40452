using System.Text.Json;
using System.Text.Json.Nodes;
using Federation.Core.Identity;
using Federation.Core.Requests;
using Federation.Node.Hosting;
using Marten;
using Npgsql;

namespace Federation.Node.Requests;

/// <summary>
/// Cross-border requests for this node's people, callable in-process (the agency API and the web console both use
/// it; neither repeats a rule). Each action is one transaction: checked, signed, recorded and — when shared — queued
/// for the peer, or refused with <see cref="Refusal"/> and nothing written. Reading a case is a consultation:
/// callers record it in the access log (the API does, with <c>RequireJustification</c>).
/// </summary>
public sealed class RequestDesk(IDocumentStore store, NpgsqlDataSource db, NodeSettingsMonitor settings, CaseJournal journal, TimeProvider time)
{
    /// <summary>The person acting: their certificate's person URI and their roles on this node.</summary>
    public sealed record Person(string Uri, IReadOnlySet<string> Roles);

    /// <summary>The body of <c>POST /api/v1/requests</c>: a new draft.</summary>
    public sealed record NewRequest(RequestType Type, string Profile, Priority Priority, string RequestedNode, string RequesterRef,
        RequestDetails Details, IReadOnlyList<CaseLink>? Links);

    /// <summary>A case with its due time and its signed history as this node holds it.</summary>
    public sealed record RequestView(RequestCase Case, string Box, DateTimeOffset? DueAt, bool Overdue, IReadOnlyList<HistoryEntry> History);

    /// <summary>
    /// One signed step: its shared sequence number (none for steps that stayed here), who, when, and its document's SHA-256;
    /// <see cref="SupersededBy"/> when a crossing step of the peer took its place, <see cref="Reissues"/> when it takes again a step that was.
    /// </summary>
    public sealed record HistoryEntry(int? Seq, string Action, string Node, string Person, string Role, DateTimeOffset At, string DocumentSha256, string Via,
        string? SupersededBy = null, string? Reissues = null);

    /// <summary>A line of the inbox or outbox.</summary>
    public sealed record RequestSummary(string CaseRef, string Box, string Peer, string State, string Type, string Priority, DateTimeOffset? DueAt, bool Overdue, DateTimeOffset Updated);

    /// <summary>Filters of the inbox and outbox, all optional, and how many lines at most (<see cref="MaxLimit"/>).</summary>
    public sealed record RequestQuery(string? Box = null, string? State = null, string? Peer = null, string? Type = null, string? Priority = null, bool? Overdue = null,
        int Limit = DefaultLimit, bool Archived = false);

    public const int DefaultLimit = 200;
    public const int MaxLimit = 1000;

    /// <summary>Actions a person takes through <see cref="ActAsync"/>; deliver and expire are the node's own.</summary>
    public static readonly IReadOnlySet<string> PersonActions = RequestRules.Table.Select(r => r.Action).Where(a => a is not ("deliver" or "expire")).ToHashSet();

    public async Task<RequestView> DraftAsync(Person person, NewRequest body, CancellationToken ct)
    {
        var self = settings.Current.NodeId;
        if (!NodeId.TryParse(body.RequestedNode, out var peer) || !settings.Current.Peers.ContainsKey(peer))
            throw new Refusal(422, "request-unknown-peer", $"'{body.RequestedNode}' is not a peer of this node");
        var now = time.GetUtcNow();
        var open = new Open(CaseRef.New(self, now), body.Type, body.Profile, body.Priority, self, peer, body.RequesterRef, body.Details, body.Links ?? []);
        return await WriteAsync(person, open.Case, async (scope, file) =>
        {
            if (file is not null) throw new Refusal(409, RequestRuleCodes.AlreadyOpen, $"case {open.Case} exists");
            return await journal.TakeAsync(scope, null, open, ActorFor(person, "draft"), now, ct);
        }, ct);
    }

    /// <summary>
    /// Takes <paramref name="action"/> on a case. <paramref name="body"/> is the action's JSON body (see docs/requests.md);
    /// <c>send</c>, <c>co-sign-refusal</c> and <c>co-sign-answer</c> take none: the node sends the approved version, the supervisor co-signs the pending proposal.
    /// </summary>
    public async Task<RequestView> ActAsync(Person person, CaseRef caseRef, string action, JsonObject? body, CancellationToken ct)
    {
        if (!PersonActions.Contains(action))
            throw new Refusal(404, "request-unknown-action", $"'{action}' is not an action (actions: {string.Join(", ", PersonActions.Order())})");
        return await TakeOnHeldCaseAsync(person, caseRef, action, current => action switch
        {
            "send" => new Send(current.ToSent()),
            "co-sign-refusal" => RequestRules.CoSign(current) is { Step: { } s } ? s : throw RequestRefusal.From(RequestRules.CoSign(current).Violation!),
            "co-sign-answer" => RequestRules.CoSignAmendment(current) is { Step: { } a } ? a : throw RequestRefusal.From(RequestRules.CoSignAmendment(current).Violation!),
            _ => ParseStep(action, body),
        }, ct);
    }

    /// <summary>
    /// Takes, in the name of <paramref name="person"/>, the step <paramref name="build"/> makes of the case as held now, in one
    /// transaction; a case this node does not hold is <c>request-unknown-case</c> (404). Sending also confirms follow-ups.
    /// </summary>
    private async Task<RequestView> TakeOnHeldCaseAsync(Person person, CaseRef caseRef, string action, Func<RequestCase, RequestStep> build, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var actor = ActorFor(person, action);
        return await WriteAsync(person, caseRef, async (scope, file) =>
        {
            if (file is null) throw new Refusal(404, CaseStepReceiver.UnknownCase, $"this node holds no case {caseRef}");
            var step = build(file.ReadCase());
            var taken = await journal.TakeAsync(scope, file, step, actor, now, ct);
            if (step is Send) await ConfirmFollowUpsAsync(scope, taken.Case, actor, now, ct);
            return taken;
        }, ct);
    }

    /// <summary>
    /// Sending a request that follows a preservation of the same peer confirms the follow-up on that preservation, in the
    /// same transaction: from then on the data stays preserved pending the decision (Budapest Art 29(7)).
    /// </summary>
    private async Task ConfirmFollowUpsAsync(CaseJournal.Scope scope, RequestCase sent, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var link in sent.Links.Where(l => l.Relation == CaseLink.FollowsPreservation))
        {
            // Locked after the sent case; nothing takes these two locks the other way round.
            await CaseJournal.LockAsync(scope, link.Case, ct);
            var preservation = await scope.Session.LoadAsync<RequestFile>(link.Case.Value, ct);
            if (preservation?.ReadCase() is not { State: RequestState.Preserved, FollowUpCase: null } p
                || p.RequestingNode != sent.RequestingNode || p.RequestedNode != sent.RequestedNode) continue;
            await journal.TakeAsync(scope, preservation, new ConfirmFollowUp(sent.Case), actor, now, ct);
        }
    }

    /// <summary>
    /// An auditor's signed finding on a case (not a transition; it stays on this node). Auditors alone may write one;
    /// the rules refuse anyone else, naming the role.
    /// </summary>
    public Task<RequestView> NoteAsync(Person person, CaseRef caseRef, string finding, CancellationToken ct) =>
        TakeOnHeldCaseAsync(person, caseRef, "audit-note", _ => new AuditNote(finding ?? ""), ct);

    /// <summary>A data-protection officer archives a closed case before its retention period runs out (the node does it then).</summary>
    public Task<RequestView> ArchiveAsync(Person person, CaseRef caseRef, string reason, CancellationToken ct) =>
        TakeOnHeldCaseAsync(person, caseRef, "archive", _ => new Archive(reason ?? ""), ct);

    /// <summary>A case as <paramref name="person"/> may see it (see <see cref="ShownTo"/>); the caller records the consultation.</summary>
    public async Task<RequestView?> GetAsync(Person person, CaseRef caseRef, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var file = await session.LoadAsync<RequestFile>(caseRef.Value, ct);
        return file is null ? null : await ViewAsync(person, session, file, ct);
    }

    /// <summary>The inbox or outbox, filtered, soonest due first (cases without a running clock last, newest first); archived cases only when asked.</summary>
    public async Task<IReadOnlyList<RequestSummary>> ListAsync(RequestQuery q, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var now = time.GetUtcNow();
        IQueryable<RequestFile> query = session.Query<RequestFile>();
        // Negated rather than compared with false: a file stored before archiving existed has no such field, and counts as not archived.
        query = q.Archived ? query.Where(f => f.Archived) : query.Where(f => !f.Archived);
        if (q.Box is { } box) query = query.Where(f => f.Box == box);
        if (q.State is { } state) query = query.Where(f => f.State == state);
        if (q.Peer is { } peer) query = query.Where(f => f.Peer == peer);
        if (q.Type is { } type) query = query.Where(f => f.Type == type);
        if (q.Priority is { } priority) query = query.Where(f => f.Priority == priority);
        if (q.Overdue == true) query = query.Where(f => f.DueAt != null && f.DueAt <= now);
        if (q.Overdue == false) query = query.Where(f => f.DueAt == null || f.DueAt > now);
        // Sorted and cut in PostgreSQL (ascending puts cases without a running clock last): a busy inbox is never read whole.
        var files = await query.OrderBy(f => f.DueAt).ThenByDescending(f => f.Updated).Take(Math.Clamp(q.Limit, 1, MaxLimit)).ToListAsync(ct);
        return files.Select(f => new RequestSummary(f.Id, f.Box, f.Peer, f.State, f.Type, f.Priority, f.DueAt, f.DueAt <= now, f.Updated)).ToList();
    }

    private async Task<RequestView> WriteAsync(Person person, CaseRef caseRef, Func<CaseJournal.Scope, RequestFile?, Task<Taken>> take, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx));
        var scope = new CaseJournal.Scope(conn, tx, session);
        await CaseJournal.LockAsync(scope, caseRef, ct);
        var file = await session.LoadAsync<RequestFile>(caseRef.Value, ct);
        var taken = await take(scope, file);
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(person, session, taken.File, ct);
    }

    private async Task<RequestView> ViewAsync(Person person, IQuerySession session, RequestFile file, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(RequestFile.Stream(CaseRef.Parse(file.Id)), token: ct);
        var superseded = events.Select(e => e.Data).OfType<RequestStepSuperseded>().ToDictionary(s => s.DocumentSha256, s => s.SupersededBy);
        var history = events.Select(e => e.Data).OfType<RequestStepRecorded>()
            .Select(r => new HistoryEntry(r.Seq, r.Action, r.Node, r.Person, r.Role, r.At, r.DocumentSha256, r.Via,
                superseded.GetValueOrDefault(r.DocumentSha256), r.Reissues)).ToList();
        return new RequestView(ShownTo(person, file.ReadCase()), file.Box, file.DueAt, file.DueAt <= time.GetUtcNow(), history);
    }

    /// <summary>
    /// Auditors' findings are for auditors and supervisors: a finding may concern the very officer who opens the case,
    /// and the data-protection officer reports to management, not to the person audited.
    /// </summary>
    private static RequestCase ShownTo(Person person, RequestCase c) =>
        person.Roles.Contains(Roles.Auditor) || person.Roles.Contains(Roles.Supervisor) ? c : c with { AuditFindings = null };

    private static RequestStep ParseStep(string action, JsonObject? body)
    {
        var json = body?.DeepClone().AsObject() ?? [];
        json.Remove("action");
        var withAction = new JsonObject { ["action"] = action };
        foreach (var (key, value) in json) withAction[key] = value?.DeepClone();
        try
        {
            return withAction.Deserialize<RequestStep>(RequestJson.Options) ?? throw new JsonException("empty body");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new Refusal(400, "request-body-invalid", $"the body of '{action}' is not valid: {e.Message}");
        }
    }

    /// <summary>
    /// The role a person acts in: the first of their roles the action admits, or else any role of theirs, so that the
    /// state machine refuses it naming the roles it needs. People with no request role are refused here.
    /// </summary>
    private Actor ActorFor(Person person, string action)
    {
        var theirs = person.Roles.Select(CaseRoleOf).OfType<CaseRole>().ToList();
        if (theirs.Count == 0)
            throw new Refusal(403, RequestRuleCodes.Role, $"{person.Uri} holds no role that takes part in requests (officer, supervisor, validator, case-handler, duty-officer, auditor)");
        var admitted = action switch
        {
            "draft" => [CaseRole.Officer],
            "audit-note" or "archive" => [CaseRole.Auditor],
            _ => RequestRules.Table.Single(r => r.Action == action).Roles,
        };
        var role = theirs.FirstOrDefault(admitted.Contains, theirs[0]);
        return new Actor(settings.Current.NodeId, person.Uri, role);
    }

    private static CaseRole? CaseRoleOf(string role) => role switch
    {
        Roles.Officer => CaseRole.Officer,
        Roles.Supervisor => CaseRole.Supervisor,
        Roles.Validator => CaseRole.Validator,
        Roles.CaseHandler => CaseRole.CaseHandler,
        Roles.DutyOfficer => CaseRole.DutyOfficer,
        Roles.Auditor => CaseRole.Auditor,
        _ => null,
    };
}

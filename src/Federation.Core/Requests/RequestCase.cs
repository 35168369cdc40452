using System.Text.Json.Serialization;
using Federation.Core.Identity;

namespace Federation.Core.Requests;

/// <summary>
/// A case as one node holds it. Both nodes reach the same value by applying the same steps, except for what never
/// leaves the node that holds it — <see cref="Drafting"/>, <see cref="PendingRefusal"/>, <see cref="PendingAmendment"/>,
/// <see cref="AuditFindings"/> and <see cref="Archived"/> (<see cref="SharedView"/> drops them). Build and change it only through <see cref="RequestRules.Take"/>, which
/// checks every rule first.
/// </summary>
public sealed record RequestCase
{
    public required CaseRef Case { get; init; }
    public required RequestType Type { get; init; }
    public required string Profile { get; init; }
    public required Priority Priority { get; init; }
    public required NodeId RequestingNode { get; init; }
    public required NodeId RequestedNode { get; init; }
    public required string RequesterRef { get; init; }
    public string? ResponderRef { get; init; }
    public required RequestDetails Details { get; init; }
    /// <summary>The version of <see cref="Details"/>: 1 when drafted, +1 on every edit or amendment.</summary>
    public required int Version { get; init; }
    public required IReadOnlyList<CaseLink> Links { get; init; }
    public required RequestState State { get; init; }

    public string? ApprovedBy { get; init; }
    public string? ValidatedBy { get; init; }
    /// <summary>Set when an emergency was approved before validation: validation is due by then (EPOC Art 4(5)).</summary>
    public DateTimeOffset? ValidationDue { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public ResponseClock? Clock { get; init; }

    public string? InformationRequested { get; init; }
    public string? Conditions { get; init; }
    public DateTimeOffset? ReviewOn { get; init; }
    public RefusalGround? RefusalGround { get; init; }
    public string? RefusalReasons { get; init; }
    public IReadOnlyList<string>? RefusalSigners { get; init; }
    public DateTimeOffset? PreservedUntil { get; init; }
    public bool ExtensionUsed { get; init; }
    /// <summary>The follow-up request the preserved data is kept for; set, the preservation does not expire.</summary>
    public CaseRef? FollowUpCase { get; init; }
    public ResponseManifest? Manifest { get; init; }
    /// <summary>Questions on the use made of the data handed over, and their explanations, oldest first.</summary>
    public IReadOnlyList<UseQuestion>? UseQuestions { get; init; }
    /// <summary>Corrections of transmitted data, oldest first: which side, who, when, why.</summary>
    public IReadOnlyList<Rectification>? Rectifications { get; init; }
    /// <summary>A restriction the requested side put on data it handed over, and whether its deletion was confirmed.</summary>
    public Restriction? Restriction { get; init; }
    /// <summary>When the case was closed: the start of its retention period.</summary>
    public DateTimeOffset? ClosedAt { get; init; }
    /// <summary>Why the case was returned, withdrawn, released or closed (the latest of them).</summary>
    public string? LastReason { get; init; }

    /// <summary>Local to the requesting node: who wrote the draft, for the four-eyes rule.</summary>
    public DraftingRecord? Drafting { get; init; }
    /// <summary>Local to the requested node: a refusal waiting for a supervisor's co-signature.</summary>
    public PendingRefusal? PendingRefusal { get; init; }
    /// <summary>Local to the requesting node: an amended answer waiting for a supervisor's co-signature.</summary>
    public PendingAmendment? PendingAmendment { get; init; }
    /// <summary>Who proposed and who co-signed the latest amendment.</summary>
    public IReadOnlyList<string>? AmendmentSigners { get; init; }
    /// <summary>Local to each node: its auditors' signed findings on the case, oldest first.</summary>
    public IReadOnlyList<AuditFinding>? AuditFindings { get; init; }
    /// <summary>Local to each node: when and by whom (a person, or the node at the end of retention) the closed case was archived.</summary>
    public Archived? Archived { get; init; }

    [JsonIgnore]
    public bool ValidationPending => ValidationDue is not null && ValidatedBy is null;

    public CaseSide? SideOf(NodeId node) =>
        node == RequestingNode ? CaseSide.Requesting : node == RequestedNode ? CaseSide.Requested : null;

    public NodeId Peer(NodeId self) => self == RequestingNode ? RequestedNode : RequestingNode;

    /// <summary>The part of the case both nodes hold identically.</summary>
    public RequestCase SharedView() => this with { Drafting = null, PendingRefusal = null, PendingAmendment = null, AuditFindings = null, Archived = null };

    public SentRequest ToSent() => new(Case, Type, Profile, Priority, RequestingNode, RequestedNode, RequesterRef, Version, Details, Links,
        ApprovedBy ?? "", ValidatedBy, ValidationDue);

    internal static RequestCase Opened(Open open, Actor actor) => new()
    {
        Case = open.Case, Type = open.Type, Profile = open.Profile, Priority = open.Priority,
        RequestingNode = open.RequestingNode, RequestedNode = open.RequestedNode, RequesterRef = open.RequesterRef,
        Details = open.Details, Version = 1, Links = open.Links, State = RequestState.Draft,
        Drafting = new DraftingRecord(actor.Person, [actor.Person]),
    };

    /// <summary>The case as the requested node opens it from the sent version; the requesting node derives the same.</summary>
    internal static RequestCase FromSent(SentRequest sent, DateTimeOffset at) => new()
    {
        Case = sent.Case, Type = sent.Type, Profile = sent.Profile, Priority = sent.Priority,
        RequestingNode = sent.RequestingNode, RequestedNode = sent.RequestedNode, RequesterRef = sent.RequesterRef,
        Details = sent.Details, Version = sent.Version, Links = sent.Links, State = RequestState.Sent,
        ApprovedBy = sent.ApprovedBy, ValidatedBy = sent.ValidatedBy, ValidationDue = sent.ValidationDue, SentAt = at,
    };

    /// <summary>Applies a step that <see cref="RequestRules"/> has checked. Deterministic: same step, same result on both nodes.</summary>
    internal RequestCase Apply(RequestStep step, Actor actor, DateTimeOffset at)
    {
        var profile = ProcedureProfiles.Find(Profile);
        return step switch
        {
            Edit edit => this with
            {
                Details = edit.Details, Version = Version + 1, Priority = edit.Priority ?? Priority,
                RequesterRef = edit.RequesterRef ?? RequesterRef, Links = edit.Links ?? Links,
                Drafting = Drafting! with { Authors = [.. Drafting.Authors.Union([actor.Person])] },
            },
            Submit => this with { State = RequestState.InReview },
            Return r => this with { State = RequestState.Draft, LastReason = r.Reason },
            Approve => ApproveBy(profile, actor, at),
            Validate => this with
            {
                ValidatedBy = actor.Person,
                State = State == RequestState.AwaitingValidation ? RequestState.Approved : State,
            },
            Send send => FromSent(send.Request, at) with { Drafting = Drafting },
            Deliver d => this with
            {
                State = RequestState.Delivered, DeliveredAt = d.ReceivedAt,
                Clock = profile.ResponseTime(Type, Priority, Details) is { } allowed ? new ResponseClock(d.ReceivedAt, allowed, EffectivePriority) : null,
            },
            Acknowledge a => this with { State = RequestState.Acknowledged, ResponderRef = a.ResponderRef },
            RequestInformation ri => this with { State = RequestState.InfoRequested, InformationRequested = ri.Reason, Clock = Clock?.Pause(at) },
            Answer { Amended: { } amended } answer => this with { PendingAmendment = new PendingAmendment(answer.Note, amended, actor.Person) },
            // A plain answer settles the question: an amendment still waiting for its co-signature is dropped with it.
            Answer => this with { State = RequestState.Acknowledged, InformationRequested = null, Clock = Clock?.Resume(at), PendingAmendment = null },
            CoSignAnswer c => this with
            {
                State = RequestState.Acknowledged, InformationRequested = null, Clock = Clock?.Resume(at),
                Details = c.Amended, Version = Version + 1, PendingAmendment = null, AmendmentSigners = [c.ProposedBy, actor.Person],
            },
            Accept accept => this with { State = RequestState.Accepted, Conditions = accept.Conditions },
            Postpone p => this with { State = RequestState.Postponed, LastReason = p.Reason, ReviewOn = p.ReviewOn },
            Resume => this with { State = RequestState.Accepted, ReviewOn = null },
            ProposeRefusal proposal => this with { PendingRefusal = new PendingRefusal(proposal.Ground, proposal.Reasons, actor.Person) },
            Refuse refuse => this with
            {
                State = RequestState.Refused, RefusalGround = refuse.Ground, RefusalReasons = refuse.Reasons,
                RefusalSigners = [refuse.ProposedBy, actor.Person], PendingRefusal = null, Clock = Clock?.Stop(at),
            },
            Preserve => this with { State = RequestState.Preserved, PreservedUntil = at + profile.Preservation!.Period, Clock = Clock?.Stop(at) },
            Extend => this with { PreservedUntil = PreservedUntil!.Value + profile.Preservation!.Extension, ExtensionUsed = true },
            ConfirmFollowUp f => this with { FollowUpCase = f.FollowUp },
            Release r => this with { State = RequestState.Released, LastReason = r.Reason },
            Respond r => this with { State = RequestState.Responded, Manifest = r.Manifest, Clock = Clock?.Stop(at) },
            AskUse q => this with { UseQuestions = [.. UseQuestions ?? [], new UseQuestion(q.Question, actor.Person, at, null, null, null)] },
            // The rules admit an explanation only while the last question is open.
            ExplainUse e when UseQuestions is { Count: > 0 } asked => this with
            {
                UseQuestions = [.. asked.Take(asked.Count - 1), asked[^1] with { Explanation = e.Explanation, ExplainedBy = actor.Person, ExplainedAt = at }],
            },
            RectifyRequest r => this with
            {
                Details = r.Amended, Version = Version + 1,
                Rectifications = [.. Rectifications ?? [], new Rectification(CaseSide.Requesting, actor.Person, at, r.Reason)],
            },
            RectifyResponse r => this with
            {
                Manifest = r.Manifest, Rectifications = [.. Rectifications ?? [], new Rectification(CaseSide.Requested, actor.Person, at, r.Reason)],
            },
            Restrict r => this with { Restriction = new Restriction(r.Kind, r.Reason, actor.Person, at, null, null, null) },
            ConfirmDeletion d => this with { Restriction = Restriction! with { DeletionConfirmedBy = actor.Person, DeletionConfirmedAt = at, DeletionNote = d.Note } },
            Withdraw w => this with { State = RequestState.Withdrawn, LastReason = w.Reason, Clock = Clock?.Stop(at), PendingRefusal = null, PendingAmendment = null },
            Close c => this with { State = RequestState.Closed, LastReason = c.Reason, Clock = Clock?.Stop(at), ClosedAt = at },
            Expire => this with { State = RequestState.Expired },
            Archive a => this with { Archived = new Archived(actor.Person, at, a.Reason) },
            AuditNote note => this with { AuditFindings = [.. AuditFindings ?? [], new AuditFinding(actor.Person, at, note.Finding)] },
            _ => throw new InvalidOperationException($"{step.Action} does not apply to an open case"),
        };
    }

    /// <summary>An emergency disclosure is an emergency whatever priority was picked.</summary>
    [JsonIgnore]
    public Priority EffectivePriority => Type == RequestType.EmergencyDisclosure ? Priority.Emergency : Priority;

    private RequestCase ApproveBy(ProcedureProfile profile, Actor actor, DateTimeOffset at)
    {
        if (!profile.NeedsValidation(Type, Details)) return this with { State = RequestState.Approved, ApprovedBy = actor.Person };
        if (EffectivePriority == Priority.Emergency && profile.EmergencyBeforeValidation)
            return this with { State = RequestState.Approved, ApprovedBy = actor.Person, ValidationDue = at + ProcedureProfile.ExPostValidation };
        return this with { State = RequestState.AwaitingValidation, ApprovedBy = actor.Person };
    }
}

/// <summary>Who drafted and who edited a request: none of them may approve or validate it.</summary>
public sealed record DraftingRecord(string DraftedBy, IReadOnlyList<string> Authors);

/// <summary>A question on the use made of data handed over (Budapest Art 28(4)), and its explanation once given.</summary>
public sealed record UseQuestion(string Question, string AskedBy, DateTimeOffset AskedAt, string? Explanation, string? ExplainedBy, DateTimeOffset? ExplainedAt)
{
    [JsonIgnore]
    public bool Open => ExplainedAt is null;
}

/// <summary>A correction of data one side transmitted (the request's details, or the response's manifest).</summary>
public sealed record Rectification(CaseSide Side, string By, DateTimeOffset At, string Reason);

/// <summary>A post-delivery restriction: what, why, who set it when, and for a must-delete, who confirmed the deletion when.</summary>
public sealed record Restriction(RestrictionKind Kind, string Reason, string By, DateTimeOffset At, string? DeletionConfirmedBy, DateTimeOffset? DeletionConfirmedAt,
    string? DeletionNote)
{
    [JsonIgnore]
    public bool DeletionAwaited => Kind == RestrictionKind.MustDelete && DeletionConfirmedAt is null;
}

/// <summary>A case archived on this node: by whom, when, why.</summary>
public sealed record Archived(string By, DateTimeOffset At, string Reason);

/// <summary>An auditor's note on a case: who, when, what.</summary>
public sealed record AuditFinding(string Auditor, DateTimeOffset At, string Finding);

/// <summary>An amended answer proposed by an officer, waiting for a supervisor.</summary>
public sealed record PendingAmendment(string Note, RequestDetails Amended, string ProposedBy);

/// <summary>A refusal proposed by a case handler, waiting for a supervisor.</summary>
public sealed record PendingRefusal(RefusalGround Ground, string Reasons, string ProposedBy);

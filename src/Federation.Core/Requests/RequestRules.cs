using Federation.Core.Identity;
using static Federation.Core.Requests.RequestRuleCodes;

namespace Federation.Core.Requests;

/// <summary>
/// The state machine of cross-border requests (docs/requests.md, "States and actions"): for each action the side that takes it, the roles that may take
/// it, the states it leaves and its guards. Both nodes run these same checks — the acting node before signing,
/// the peer on receipt — so a node cannot push its peer into a state the rules forbid.
/// </summary>
public static class RequestRules
{
    private sealed record Rule(CaseSide Side, CaseRole[] Roles, RequestState[] From);

    private static readonly RequestState[] Open =
    [
        RequestState.Draft, RequestState.InReview, RequestState.AwaitingValidation, RequestState.Approved, RequestState.Sent,
        RequestState.Delivered, RequestState.Acknowledged, RequestState.InfoRequested, RequestState.Accepted, RequestState.Postponed,
        RequestState.Preserved,
    ];

    /// <summary>Every state in which the peer holds the request: transmitted data can be rectified in any of them.</summary>
    private static readonly RequestState[] Sent =
    [
        RequestState.Sent, RequestState.Delivered, RequestState.Acknowledged, RequestState.InfoRequested, RequestState.Accepted,
        RequestState.Postponed, RequestState.Preserved, RequestState.Responded, RequestState.Refused, RequestState.Released,
        RequestState.Expired, RequestState.Withdrawn, RequestState.Closed,
    ];

    private static readonly CaseRole[] Handlers = [CaseRole.CaseHandler, CaseRole.DutyOfficer];

    private static readonly Dictionary<string, Rule> Rules = new()
    {
        ["edit"] = new(CaseSide.Requesting, [CaseRole.Officer], [RequestState.Draft]),
        ["submit"] = new(CaseSide.Requesting, [CaseRole.Officer], [RequestState.Draft]),
        ["return"] = new(CaseSide.Requesting, [CaseRole.Supervisor], [RequestState.InReview, RequestState.AwaitingValidation]),
        ["approve"] = new(CaseSide.Requesting, [CaseRole.Supervisor], [RequestState.InReview]),
        ["validate"] = new(CaseSide.Requesting, [CaseRole.Validator], Open),
        ["send"] = new(CaseSide.Requesting, [CaseRole.Officer, CaseRole.Supervisor], [RequestState.Approved]),
        ["deliver"] = new(CaseSide.Requested, [CaseRole.System], [RequestState.Sent]),
        ["acknowledge"] = new(CaseSide.Requested, Handlers, [RequestState.Delivered]),
        ["request-information"] = new(CaseSide.Requested, Handlers, [RequestState.Acknowledged, RequestState.Accepted]),
        ["answer"] = new(CaseSide.Requesting, [CaseRole.Officer], [RequestState.InfoRequested]),
        ["co-sign-answer"] = new(CaseSide.Requesting, [CaseRole.Supervisor], [RequestState.InfoRequested]),
        ["accept"] = new(CaseSide.Requested, Handlers, [RequestState.Acknowledged]),
        ["postpone"] = new(CaseSide.Requested, Handlers, [RequestState.Acknowledged, RequestState.Accepted]),
        ["resume"] = new(CaseSide.Requested, Handlers, [RequestState.Postponed]),
        ["refuse"] = new(CaseSide.Requested, Handlers, [RequestState.Acknowledged, RequestState.Accepted, RequestState.Postponed]),
        ["co-sign-refusal"] = new(CaseSide.Requested, [CaseRole.Supervisor], [RequestState.Acknowledged, RequestState.Accepted, RequestState.Postponed]),
        ["preserve"] = new(CaseSide.Requested, Handlers, [RequestState.Accepted]),
        ["extend"] = new(CaseSide.Requesting, [CaseRole.Supervisor], [RequestState.Preserved]),
        ["release"] = new(CaseSide.Requesting, [CaseRole.Officer, CaseRole.Supervisor], [RequestState.Preserved]),
        ["confirm-follow-up"] = new(CaseSide.Requesting, [CaseRole.Officer, CaseRole.Supervisor], [RequestState.Preserved]),
        ["respond"] = new(CaseSide.Requested, Handlers, [RequestState.Accepted]),
        ["withdraw"] = new(CaseSide.Requesting, [CaseRole.Supervisor], Open),
        ["restrict"] = new(CaseSide.Requested, [CaseRole.Supervisor], [RequestState.Responded, RequestState.Closed]),
        ["ask-use"] = new(CaseSide.Requested, [CaseRole.CaseHandler, CaseRole.DutyOfficer, CaseRole.Supervisor], [RequestState.Responded, RequestState.Closed]),
        ["explain-use"] = new(CaseSide.Requesting, [CaseRole.Officer, CaseRole.Supervisor], [RequestState.Responded, RequestState.Closed]),
        ["rectify-request"] = new(CaseSide.Requesting, [CaseRole.Supervisor], Sent),
        ["rectify-response"] = new(CaseSide.Requested, [CaseRole.Supervisor], [RequestState.Responded, RequestState.Closed]),
        ["confirm-deletion"] = new(CaseSide.Requesting, [CaseRole.Supervisor], [RequestState.Responded, RequestState.Closed]),
        ["close"] = new(CaseSide.Requesting, [CaseRole.Officer, CaseRole.Supervisor],
            [RequestState.Responded, RequestState.Refused, RequestState.Released, RequestState.Expired, RequestState.Withdrawn, RequestState.Acknowledged]),
        ["expire"] = new(CaseSide.Requested, [CaseRole.System], [RequestState.Preserved]),
    };

    /// <summary>Every action name with the side and roles that may take it and the states it leaves (for documentation and the API).</summary>
    public static IEnumerable<(string Action, CaseSide Side, IReadOnlyList<CaseRole> Roles, IReadOnlyList<RequestState> From)> Table =>
        Rules.Select(r => (r.Key, r.Value.Side, (IReadOnlyList<CaseRole>)r.Value.Roles, (IReadOnlyList<RequestState>)r.Value.From));

    /// <summary>
    /// Checks <paramref name="step"/> against every rule and, if none forbids it, applies it. <paramref name="current"/>
    /// is null only for a case this node does not hold yet: a draft on the requesting node, a sent request on the requested one.
    /// </summary>
    public static Decision Take(RequestCase? current, RequestStep step, Actor actor, DateTimeOffset at)
    {
        var violation = Check(current, step, actor, at);
        if (violation is not null) return new Decision(null, violation);
        var next = step switch
        {
            Open open when current is null => RequestCase.Opened(open, actor),
            Send send when current is null => RequestCase.FromSent(send.Request, at),
            _ => current!.Apply(step, actor, at),
        };
        return new Decision(next, null);
    }

    public static RuleViolation? Check(RequestCase? current, RequestStep step, Actor actor, DateTimeOffset at)
    {
        if (current is null) return CheckOpening(step, actor);
        if (step is Open) return new(AlreadyOpen, $"case {current.Case} is already open");

        var side = current.SideOf(actor.Node);
        if (side is null) return new(NotParty, $"{actor.Node} is not party to case {current.Case} ({current.RequestingNode} asks {current.RequestedNode})");
        if (step is AuditNote note)
        {
            // Not a transition: either side's auditors, in any state, and only they.
            if (actor.Role != CaseRole.Auditor) return new(Role, $"'audit-note' needs the role auditor, not {Name(actor.Role)}");
            return string.IsNullOrWhiteSpace(note.Finding) ? new(ReasonRequired, "an audit note needs its finding") : null;
        }
        if (step is Archive archive)
        {
            // Retention, not a transition of the shared case: either side, on its own node, once the case is closed.
            if (actor.Role is not (CaseRole.Auditor or CaseRole.System))
                return new(Role, $"'archive' needs the role auditor (the data-protection officer) or the node itself, not {Name(actor.Role)}");
            if (current.State != RequestState.Closed) return new(State, $"only a closed case is archived; this one is {Name(current.State)}");
            if (current.Archived is not null) return new(State, $"case {current.Case} was archived on {current.Archived.At:O}");
            if (current.Restriction?.DeletionAwaited == true) return new(State, $"the deletion {current.Restriction.By} required is not confirmed yet");
            return string.IsNullOrWhiteSpace(archive.Reason) ? new(ReasonRequired, "archiving needs a reason") : null;
        }
        var rule = Rules[step.Action];
        if (side != rule.Side) return new(WrongSide, $"'{step.Action}' is taken by the {Name(rule.Side)} node, {(rule.Side == CaseSide.Requesting ? current.RequestingNode : current.RequestedNode)}");
        if (!rule.Roles.Contains(actor.Role))
            return new(Role, $"'{step.Action}' needs the role {string.Join(" or ", rule.Roles.Select(Name))}, not {Name(actor.Role)}");
        if (step is Send && current.State is RequestState.Draft or RequestState.InReview or RequestState.AwaitingValidation)
            return new(NotApproved, $"only an approved request can be sent; this one is {Name(current.State)}");
        if (!rule.From.Contains(current.State))
            return new(State, $"'{step.Action}' is not possible in state {Name(current.State)} (only from {string.Join(", ", rule.From.Select(Name))})");
        return Guard(current, step, actor, at);
    }

    private static RuleViolation? CheckOpening(RequestStep step, Actor actor)
    {
        switch (step)
        {
            case Open open:
                if (actor.Node != open.RequestingNode || open.Case.Origin != open.RequestingNode)
                    return new(WrongSide, $"a case is opened by its requesting node, {open.RequestingNode}, under a reference of its own");
                if (open.RequestedNode == open.RequestingNode) return new(NotParty, "a request goes to another node");
                if (actor.Role != CaseRole.Officer) return new(Role, $"'draft' needs the role officer, not {Name(actor.Role)}");
                if (!ProcedureProfiles.TryFind(open.Profile, out var profile)) return new(UnknownProfile, $"no procedure profile '{open.Profile}'");
                if (!profile.Types.Contains(open.Type))
                    return new(TypeNotInProfile, $"{open.Profile} does not cover {Name(open.Type)} (it covers {string.Join(", ", profile.Types.Select(Name))})");
                if (string.IsNullOrWhiteSpace(open.RequesterRef)) return new(ReferenceRequired, "requesterRef (the requesting side's file number) is required");
                return CheckLinks(open.Links);
            case Send send:
                var sent = send.Request;
                if (actor.Node != sent.RequestingNode || sent.Case.Origin != sent.RequestingNode)
                    return new(WrongSide, $"'send' is taken by the requesting node, {sent.RequestingNode}, not {actor.Node}");
                if (actor.Role is not (CaseRole.Officer or CaseRole.Supervisor)) return new(Role, $"'send' needs the role officer or supervisor, not {Name(actor.Role)}");
                if (!ProcedureProfiles.TryFind(sent.Profile, out var sentProfile)) return new(UnknownProfile, $"no procedure profile '{sent.Profile}'");
                if (!sentProfile.Types.Contains(sent.Type)) return new(TypeNotInProfile, $"{sent.Profile} does not cover {Name(sent.Type)}");
                var missing = sentProfile.MissingFields(sent.Type, sent.Priority, sent.Details);
                if (missing.Count > 0) return new(FieldsMissing, $"{sent.Profile} requires {string.Join(", ", missing)}");
                if (sentProfile.NeedsValidation(sent.Type, sent.Details) && sent.ValidatedBy is null && sent.ValidationDue is null)
                    return new(NotApproved, $"{sent.Profile} requires validation before a non-emergency request is sent");
                return null;
            default:
                return new(State, $"'{step.Action}' needs an open case; none is held");
        }
    }

    private static RuleViolation? Guard(RequestCase current, RequestStep step, Actor actor, DateTimeOffset at)
    {
        var profile = ProcedureProfiles.Find(current.Profile);
        switch (step)
        {
            case Edit edit:
                return edit.Links is null ? null : CheckLinks(edit.Links);
            case Submit:
                var missing = profile.MissingFields(current.Type, current.Priority, current.Details);
                return missing.Count == 0 ? null : new(FieldsMissing, $"{current.Profile} requires {string.Join(", ", missing)}");
            case Return r when string.IsNullOrWhiteSpace(r.Reason):
                return new(ReasonRequired, "returning a request needs a reason");
            case Approve when current.Drafting?.Authors.Contains(actor.Person) == true:
                return new(FourEyes, $"{actor.Person} wrote this request and cannot approve it");
            case Validate:
                if (current.State != RequestState.AwaitingValidation && !current.ValidationPending)
                    return new(NoValidationPending, "nothing awaits validation");
                if (current.Drafting?.Authors.Contains(actor.Person) == true || current.ApprovedBy == actor.Person)
                    return new(FourEyes, $"{actor.Person} wrote or approved this request and cannot validate it");
                return null;
            case Send send:
                var expected = current.ToSent();
                return send.Request.Case == current.Case && send.Request.Version == current.Version && send.Request.ApprovedBy == expected.ApprovedBy
                    ? null : new(SentVersion, $"the envelope does not carry the approved version {current.Version} of {current.Case}");
            case Acknowledge a when string.IsNullOrWhiteSpace(a.ResponderRef):
                return new(ReferenceRequired, "acknowledging needs responderRef, the requested side's own file number");
            case RequestInformation ri when string.IsNullOrWhiteSpace(ri.Reason):
                return new(ReasonRequired, "a request for information needs the reason");
            case Answer a when string.IsNullOrWhiteSpace(a.Note):
                return new(ReasonRequired, "an answer needs a note");
            case Answer { Amended: { } amended }:
                return CheckAmendment(profile, current, amended);
            case CoSignAnswer c:
                if (string.IsNullOrWhiteSpace(c.ProposedBy) || c.ProposedBy == actor.Person)
                    return new(CoSignature, $"an amendment is proposed by an officer and co-signed by a different person; {actor.Person} cannot do both");
                if (current.PendingAmendment is { } proposal && (proposal.ProposedBy != c.ProposedBy || proposal.Note != c.Note || !SameDetails(proposal.Amended, c.Amended)))
                    return new(CoSignature, "the co-signature must cover the amendment exactly as proposed");
                if (string.IsNullOrWhiteSpace(c.Note)) return new(ReasonRequired, "an answer needs a note");
                return CheckAmendment(profile, current, c.Amended);
            case Postpone p when string.IsNullOrWhiteSpace(p.Reason):
                return new(ReasonRequired, "postponing needs a reason");
            case Postpone p when p.ReviewOn <= at:
                return new(ReviewDate, "the review date must lie in the future");
            case ProposeRefusal pr:
                return CheckRefusal(profile, pr.Ground, pr.Reasons);
            case Refuse refuse:
                if (string.IsNullOrWhiteSpace(refuse.ProposedBy) || refuse.ProposedBy == actor.Person)
                    return new(CoSignature, $"a refusal is proposed by a case handler and co-signed by a different person; {actor.Person} cannot do both");
                if (current.PendingRefusal is { } pending && (pending.ProposedBy != refuse.ProposedBy || pending.Ground != refuse.Ground || pending.Reasons != refuse.Reasons))
                    return new(CoSignature, "the co-signature must cover the refusal exactly as proposed");
                return CheckRefusal(profile, refuse.Ground, refuse.Reasons);
            case Preserve when current.Type != RequestType.Preserve || profile.Preservation is null:
                return new(NotPreservation, $"only a preservation request can be preserved; this is {Name(current.Type)}");
            case Extend when current.ExtensionUsed:
                return new(ExtensionUsed, $"{current.Profile} allows one extension of {profile.Preservation!.Extension.TotalDays:0} days and it was used");
            case Release r when string.IsNullOrWhiteSpace(r.Reason):
                return new(ReasonRequired, "releasing a preservation needs a reason");
            case Respond when current.Type == RequestType.Preserve:
                return new(PreservationOnly, "a preservation request is answered by preserving, not by a response manifest");
            case Respond r:
                return CheckManifest(r.Manifest);
            case AskUse q when string.IsNullOrWhiteSpace(q.Question):
                return new(ReasonRequired, "the question on the use of the data is required");
            case AskUse when current.Manifest is null:
                return new(State, "no response handed data over on this case; there is no use to explain");
            case AskUse when current.UseQuestions is [.., { Open: true }]:
                return new(State, "the previous question on the use of the data is not answered yet");
            case ExplainUse when current.UseQuestions is not [.., { Open: true }]:
                return new(State, "no question on the use of the data awaits an explanation");
            case ExplainUse e when string.IsNullOrWhiteSpace(e.Explanation):
                return new(ReasonRequired, "the explanation is required");
            case RectifyRequest r when string.IsNullOrWhiteSpace(r.Reason):
                return new(ReasonRequired, "a rectification says what was incorrect");
            case RectifyRequest r:
                return CheckAmendment(profile, current, r.Amended);
            case RectifyResponse r when string.IsNullOrWhiteSpace(r.Reason):
                return new(ReasonRequired, "a rectification says what was incorrect");
            case RectifyResponse when current.Manifest is null:
                return new(State, "no response handed data over on this case; there is nothing to rectify");
            case RectifyResponse r:
                return CheckManifest(r.Manifest);
            case Restrict r when string.IsNullOrWhiteSpace(r.Reason):
                return new(ReasonRequired, "a restriction needs its reason (the authority's objection, the rectification)");
            case Restrict when current.Restriction?.DeletionAwaited == true:
                return new(State, "a deletion is already required and not yet confirmed");
            case Restrict when current.Type is RequestType.Preserve:
                return new(PreservationOnly, "a preservation hands no data over; there is nothing to restrict");
            case Restrict when current.Manifest is null:
                return new(State, "no response handed data over on this case; there is nothing to restrict");
            case ConfirmDeletion when current.Restriction?.DeletionAwaited != true:
                return new(State, "no deletion is required on this case");
            case ConfirmDeletion d when string.IsNullOrWhiteSpace(d.Note):
                return new(ReasonRequired, "a deletion confirmation says what was deleted");
            case Withdraw w when string.IsNullOrWhiteSpace(w.Reason):
                return new(ReasonRequired, "withdrawing needs a reason");
            case Close c when string.IsNullOrWhiteSpace(c.Reason):
                return new(ReasonRequired, "closing needs a reason");
            case Close when current.State == RequestState.Acknowledged && current.Type is not (RequestType.SpontaneousInfo or RequestType.MlaTracker):
                return new(State, $"'close' is possible in state acknowledged only for information that expects no response; {Name(current.Type)} expects one");
            case ConfirmFollowUp f when f.FollowUp == current.Case:
                return new(Link, "a preservation is not its own follow-up");
            case ConfirmFollowUp when current.FollowUpCase is { } already:
                return new(State, $"the follow-up {already} was already confirmed");
            case Expire when current.FollowUpCase is { } followUp:
                return new(NotExpired, $"the data stays preserved pending the decision on the follow-up request {followUp} (Budapest Art 29(7))");
            case Expire when current.PreservedUntil > at:
                return new(NotExpired, $"the preservation runs until {current.PreservedUntil:O}");
        }
        return null;
    }

    /// <summary>
    /// The refusal a supervisor co-signs: the pending proposal exactly as the case handler made it. Only the node
    /// holding the proposal can build it; the peer receiving the refusal checks that two different people signed it.
    /// </summary>
    public static (Refuse? Step, RuleViolation? Violation) CoSign(RequestCase current) =>
        current.PendingRefusal is { } pending
            ? (new Refuse(pending.Ground, pending.Reasons, pending.ProposedBy), null)
            : (null, new RuleViolation(CoSignature, "no refusal proposed by a case handler awaits a co-signature"));

    /// <summary>
    /// The amended answer a supervisor co-signs: the pending proposal exactly as the officer made it. Only the requesting
    /// node holds the proposal; the peer receiving the step checks that two different people signed it.
    /// </summary>
    public static (CoSignAnswer? Step, RuleViolation? Violation) CoSignAmendment(RequestCase current) =>
        current.PendingAmendment is { } pending
            ? (new CoSignAnswer(pending.Note, pending.Amended, pending.ProposedBy), null)
            : (null, new RuleViolation(CoSignature, "no amended answer proposed by an officer awaits a co-signature"));

    // Details hold lists, which records compare by reference: compare what would be signed instead.
    private static bool SameDetails(RequestDetails a, RequestDetails b) =>
        System.Text.Json.JsonSerializer.Serialize(a, RequestJson.Options) == System.Text.Json.JsonSerializer.Serialize(b, RequestJson.Options);

    private static RuleViolation? CheckAmendment(ProcedureProfile profile, RequestCase current, RequestDetails amended)
    {
        var missing = profile.MissingFields(current.Type, current.Priority, amended);
        return missing.Count == 0 ? null : new(FieldsMissing, $"{current.Profile} requires {string.Join(", ", missing)}");
    }

    private static RuleViolation? CheckRefusal(ProcedureProfile profile, RefusalGround ground, string reasons)
    {
        if (!profile.RefusalGrounds.Contains(ground))
            return new(RequestRuleCodes.RefusalGround, $"{profile.Code} does not admit the ground {Name(ground)} (it admits {string.Join(", ", profile.RefusalGrounds.Select(Name))})");
        return string.IsNullOrWhiteSpace(reasons) ? new(ReasonRequired, "a refusal needs its reasons") : null;
    }

    private static RuleViolation? CheckManifest(ResponseManifest manifest)
    {
        if (manifest.Items.Count == 0 && string.IsNullOrWhiteSpace(manifest.PartialReason))
            return new(Manifest, "a response lists what was produced, or says why nothing was");
        foreach (var item in manifest.Items)
        {
            if (item.Sha256.Length != 64 || !item.Sha256.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)))
                return new(Manifest, $"'{item.Sha256}' is not a lower-case hex SHA-256");
            if (item.Size < 0) return new(Manifest, $"item {item.Label} has a negative size");
            if (string.IsNullOrWhiteSpace(item.Label)) return new(Manifest, "every item needs a label");
        }
        return null;
    }

    private static RuleViolation? CheckLinks(IReadOnlyList<CaseLink> links) =>
        links.FirstOrDefault(l => !CaseLink.Relations.Contains(l.Relation)) is { } bad
            ? new(Link, $"'{bad.Relation}' is not a relation ({string.Join(", ", CaseLink.Relations)})")
            : null;

    /// <summary>The wire name of an enum value (its kebab-case JSON name).</summary>
    public static string Name<T>(T value) where T : struct, Enum => RequestJson.Name(value);
}

/// <summary>The outcome of <see cref="RequestRules.Take"/>: the next case, or the rule that forbids the step.</summary>
public sealed record Decision(RequestCase? Next, RuleViolation? Violation)
{
    public bool Allowed => Violation is null;
}

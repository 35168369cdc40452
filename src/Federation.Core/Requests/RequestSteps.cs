using System.Text.Json.Serialization;
using Federation.Core.Identity;

namespace Federation.Core.Requests;

/// <summary>
/// One step in a case: the body of an agency API action and the content of the signed envelope that records it.
/// Each kind is its own record, so a step carries exactly the fields its action needs; the JSON discriminator
/// <c>action</c> is the action's name in <c>POST /api/v1/requests/{caseRef}/actions/{action}</c>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "action", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(Open), "draft")]
[JsonDerivedType(typeof(Edit), "edit")]
[JsonDerivedType(typeof(Submit), "submit")]
[JsonDerivedType(typeof(Return), "return")]
[JsonDerivedType(typeof(Approve), "approve")]
[JsonDerivedType(typeof(Validate), "validate")]
[JsonDerivedType(typeof(Send), "send")]
[JsonDerivedType(typeof(Deliver), "deliver")]
[JsonDerivedType(typeof(Acknowledge), "acknowledge")]
[JsonDerivedType(typeof(RequestInformation), "request-information")]
[JsonDerivedType(typeof(Answer), "answer")]
[JsonDerivedType(typeof(CoSignAnswer), "co-sign-answer")]
[JsonDerivedType(typeof(Accept), "accept")]
[JsonDerivedType(typeof(Postpone), "postpone")]
[JsonDerivedType(typeof(Resume), "resume")]
[JsonDerivedType(typeof(ProposeRefusal), "refuse")]
[JsonDerivedType(typeof(Refuse), "co-sign-refusal")]
[JsonDerivedType(typeof(Preserve), "preserve")]
[JsonDerivedType(typeof(Extend), "extend")]
[JsonDerivedType(typeof(Release), "release")]
[JsonDerivedType(typeof(ConfirmFollowUp), "confirm-follow-up")]
[JsonDerivedType(typeof(Respond), "respond")]
[JsonDerivedType(typeof(Withdraw), "withdraw")]
[JsonDerivedType(typeof(Restrict), "restrict")]
[JsonDerivedType(typeof(AskUse), "ask-use")]
[JsonDerivedType(typeof(ExplainUse), "explain-use")]
[JsonDerivedType(typeof(RectifyRequest), "rectify-request")]
[JsonDerivedType(typeof(RectifyResponse), "rectify-response")]
[JsonDerivedType(typeof(ConfirmDeletion), "confirm-deletion")]
[JsonDerivedType(typeof(Close), "close")]
[JsonDerivedType(typeof(Expire), "expire")]
[JsonDerivedType(typeof(AuditNote), "audit-note")]
[JsonDerivedType(typeof(Archive), "archive")]
public abstract record RequestStep
{
    /// <summary>The action's name, as in the route and the JSON discriminator.</summary>
    [JsonIgnore]
    public abstract string Action { get; }

    /// <summary>
    /// Steps before sending (and a refusal not yet co-signed) stay on the node that takes them: a draft is not
    /// disclosed to the peer before a supervisor approved it. Every other step is sent to the peer.
    /// </summary>
    public virtual bool IsShared(RequestCase? current) => current?.SentAt is not null;
}

/// <summary>Opens a case as a draft on the requesting node.</summary>
public sealed record Open(CaseRef Case, RequestType Type, string Profile, Priority Priority, NodeId RequestingNode, NodeId RequestedNode,
    string RequesterRef, RequestDetails Details, IReadOnlyList<CaseLink> Links) : RequestStep
{
    [JsonIgnore] public override string Action => "draft";
}

/// <summary>Replaces the draft's details (a new version); priority, file number and links may change with it.</summary>
public sealed record Edit(RequestDetails Details, Priority? Priority = null, string? RequesterRef = null, IReadOnlyList<CaseLink>? Links = null) : RequestStep
{
    [JsonIgnore] public override string Action => "edit";
}

public sealed record Submit : RequestStep { [JsonIgnore] public override string Action => "submit"; }

/// <summary>The supervisor sends the draft back with a reason.</summary>
public sealed record Return(string Reason) : RequestStep { [JsonIgnore] public override string Action => "return"; }

/// <summary>The supervisor's "content accurate and correct" (EPOC Art 9(2)); a second person, never an author.</summary>
public sealed record Approve : RequestStep { [JsonIgnore] public override string Action => "approve"; }

/// <summary>A judge's or prosecutor's validation; after sending only for an emergency sent before validation.</summary>
public sealed record Validate(string? ValidatorRef = null) : RequestStep { [JsonIgnore] public override string Action => "validate"; }

/// <summary>Sends the approved version; carries it whole, so the requested node opens its copy of the case from it.</summary>
public sealed record Send(SentRequest Request) : RequestStep
{
    [JsonIgnore] public override string Action => "send";
    public override bool IsShared(RequestCase? current) => true;
}

/// <summary>The requested node received the request; <see cref="ReceivedAt"/> is the signed receipt's time and starts the clock.</summary>
public sealed record Deliver(DateTimeOffset ReceivedAt) : RequestStep { [JsonIgnore] public override string Action => "deliver"; }

/// <summary>The requested side takes the case on, under its own file number.</summary>
public sealed record Acknowledge(string ResponderRef) : RequestStep { [JsonIgnore] public override string Action => "acknowledge"; }

/// <summary>Asks the requesting side for clarification; the response clock pauses until the answer.</summary>
public sealed record RequestInformation(string Reason) : RequestStep { [JsonIgnore] public override string Action => "request-information"; }

/// <summary>
/// The clarification; the clock resumes. With amended details it is only a proposal, kept on the requesting node until a
/// supervisor co-signs it (<see cref="CoSignAnswer"/>): an amended request goes to the peer with four eyes on it, as the
/// approved original did.
/// </summary>
public sealed record Answer(string Note, RequestDetails? Amended = null) : RequestStep
{
    [JsonIgnore] public override string Action => "answer";
    public override bool IsShared(RequestCase? current) => Amended is null && base.IsShared(current);
}

/// <summary>The amended answer as the peer sees it: the officer's note and new details, co-signed by the supervisor who takes this step.</summary>
public sealed record CoSignAnswer(string Note, RequestDetails Amended, string ProposedBy) : RequestStep
{
    [JsonIgnore] public override string Action => "co-sign-answer";
}

/// <summary>Accepts the request, optionally with conditions or use limits (Budapest Art 28).</summary>
public sealed record Accept(string? Conditions = null) : RequestStep { [JsonIgnore] public override string Action => "accept"; }

public sealed record Postpone(string Reason, DateTimeOffset ReviewOn) : RequestStep { [JsonIgnore] public override string Action => "postpone"; }

public sealed record Resume : RequestStep { [JsonIgnore] public override string Action => "resume"; }

/// <summary>A case handler's proposed refusal; stays on the requested node until a supervisor co-signs it.</summary>
public sealed record ProposeRefusal(RefusalGround Ground, string Reasons) : RequestStep
{
    [JsonIgnore] public override string Action => "refuse";
    public override bool IsShared(RequestCase? current) => false;
}

/// <summary>The refusal as the peer sees it: the handler's ground and reasons, co-signed by the supervisor who takes this step.</summary>
public sealed record Refuse(RefusalGround Ground, string Reasons, string ProposedBy) : RequestStep { [JsonIgnore] public override string Action => "co-sign-refusal"; }

/// <summary>The data is preserved; it stays preserved for the profile's period from now.</summary>
public sealed record Preserve : RequestStep { [JsonIgnore] public override string Action => "preserve"; }

/// <summary>The one extension of a preservation the profile allows.</summary>
public sealed record Extend : RequestStep { [JsonIgnore] public override string Action => "extend"; }

/// <summary>
/// The follow-up request for the preserved data was sent (<c>confirm-follow-up</c>): the data stays preserved
/// pending the decision on it (Budapest Art 29(7)), so the preservation no longer expires on its own. Sending a request
/// linked as <c>follows-preservation</c> takes it too, in the sender's name.
/// </summary>
public sealed record ConfirmFollowUp(CaseRef FollowUp) : RequestStep { [JsonIgnore] public override string Action => "confirm-follow-up"; }

/// <summary>The requesting side no longer needs the data preserved.</summary>
public sealed record Release(string Reason) : RequestStep { [JsonIgnore] public override string Action => "release"; }

/// <summary>The answer: a manifest of what was produced, by digest and size; evidence travels out of band.</summary>
public sealed record Respond(ResponseManifest Manifest) : RequestStep { [JsonIgnore] public override string Action => "respond"; }

public sealed record Withdraw(string Reason) : RequestStep { [JsonIgnore] public override string Action => "withdraw"; }

/// <summary>
/// After data was handed over, the requested side restricts its use or requires its deletion (an enforcing authority's
/// objection, a rectification; allowed whatever the state). Not a state: a flag on the case.
/// </summary>
public sealed record Restrict(string Reason, RestrictionKind Kind) : RequestStep { [JsonIgnore] public override string Action => "restrict"; }

/// <summary>
/// The requesting side found that the request carried incorrect data and sends the corrected details, a new version
/// (LED Art 7(3): a recipient of incorrect personal data is told without delay). The state does not change.
/// </summary>
public sealed record RectifyRequest(string Reason, RequestDetails Amended) : RequestStep { [JsonIgnore] public override string Action => "rectify-request"; }

/// <summary>The requested side found that its response listed incorrect data and sends the corrected manifest (LED Art 7(3)).</summary>
public sealed record RectifyResponse(string Reason, ResponseManifest Manifest) : RequestStep { [JsonIgnore] public override string Action => "rectify-response"; }

/// <summary>The side that supplied the data asks how it was used (Budapest Art 28(4)).</summary>
public sealed record AskUse(string Question) : RequestStep { [JsonIgnore] public override string Action => "ask-use"; }

/// <summary>The requesting side explains the use it made of the data it received.</summary>
public sealed record ExplainUse(string Explanation) : RequestStep { [JsonIgnore] public override string Action => "explain-use"; }

/// <summary>The requesting side confirms, signed, that it deleted what a must-delete restriction named.</summary>
public sealed record ConfirmDeletion(string Note) : RequestStep { [JsonIgnore] public override string Action => "confirm-deletion"; }

public sealed record Close(string Reason) : RequestStep { [JsonIgnore] public override string Action => "close"; }

/// <summary>The preservation period ran out with no extension; taken by the requested node itself.</summary>
public sealed record Expire : RequestStep { [JsonIgnore] public override string Action => "expire"; }

/// <summary>
/// An auditor's finding on a case (auditors never transition, they attach signed notes). Not a
/// transition: the state does not change. It stays on the auditor's node, like a draft: the peer's auditors keep their own.
/// </summary>
public sealed record AuditNote(string Finding) : RequestStep
{
    [JsonIgnore] public override string Action => "audit-note";
    public override bool IsShared(RequestCase? current) => false;
}

/// <summary>
/// A closed case leaves the working inbox and outbox for retention (docs/requests.md, "Retention"; LED Art 5): taken by
/// the node when its retention period runs out, or earlier by a data-protection officer (auditor). Each node keeps its own
/// law's retention, so this stays on the node; the shared state stays closed.
/// </summary>
public sealed record Archive(string Reason) : RequestStep
{
    [JsonIgnore] public override string Action => "archive";
    public override bool IsShared(RequestCase? current) => false;
}

/// <summary>The approved version as sent: everything the requested node needs to open its copy of the case.</summary>
public sealed record SentRequest(CaseRef Case, RequestType Type, string Profile, Priority Priority, NodeId RequestingNode, NodeId RequestedNode,
    string RequesterRef, int Version, RequestDetails Details, IReadOnlyList<CaseLink> Links, string ApprovedBy, string? ValidatedBy,
    DateTimeOffset? ValidationDue);

/// <summary>Who takes a step: a node, the person acting for it (their certificate's person URI, or the node URI for the node itself) and the role they act in.</summary>
public sealed record Actor(NodeId Node, string Person, CaseRole Role)
{
    public static Actor System(NodeId node) => new(node, node.ToUri(), CaseRole.System);
}

using System.Text.Json;
using Federation.Core.Requests;

namespace Federation.Node.Requests;

/// <summary>
/// A case as this node holds it (a Marten document, keyed by the case reference): the case itself as JSON, plus the
/// columns the inbox and outbox filter and sort on, and where the shared history stands (its last sequence number
/// and that step's digest, which the next step names as its predecessor). Rebuilt from the case's events on every step.
/// </summary>
public sealed record RequestFile(
    string Id, string Box, string Peer, string State, string Type, string Priority, DateTimeOffset? DueAt,
    int SharedSeq, string? LastSharedSha256, string CaseJson, DateTimeOffset Updated, bool Archived = false)
{
    public const string Outbox = "outbox";
    public const string Inbox = "inbox";

    public static string Stream(CaseRef caseRef) => "request:" + caseRef.Value;

    public RequestCase ReadCase() => JsonSerializer.Deserialize<RequestCase>(CaseJson, RequestJson.Options)!;

    public static RequestFile For(RequestCase c, Federation.Core.Identity.NodeId self, int sharedSeq, string? lastShared, DateTimeOffset now) => new(
        c.Case.Value, self == c.RequestingNode ? Outbox : Inbox, c.Peer(self).Value, RequestJson.Name(c.State), RequestJson.Name(c.Type),
        RequestJson.Name(c.EffectivePriority), c.Clock?.IsRunning == true ? c.Clock.Due : null, sharedSeq, lastShared,
        JsonSerializer.Serialize(c, RequestJson.Options), now, c.Archived is not null && c.Restriction?.DeletionAwaited != true);
}

/// <summary>
/// One step of a case, signed: the node's attached CMS envelope over the <see cref="CaseStepDocument"/> (which names
/// the acting person), stored as the blob <see cref="EnvelopeSha256"/> and signed by <see cref="SignedBy"/>. <see cref="Seq"/> is
/// the step's place in the shared history, null for steps that stay on this node. <see cref="Via"/> says whether this node
/// took the step ("local") or received it from the peer ("peer"). <see cref="Reissues"/> is the digest of the superseded
/// step this one takes again, as its signed document says.
/// </summary>
public sealed record RequestStepRecorded(
    string Case, int? Seq, string Action, string Node, string Person, string Role, DateTimeOffset At, string DocumentSha256, string EnvelopeSha256,
    string SignedBy, string Via, string? Reissues = null) : Ledger.IEnvelopeEvent
{
    public const string Local = "local";
    public const string FromPeer = "peer";

    ReadOnlyMemory<byte> Ledger.IEnvelopeEvent.SignedContentSha256 => Convert.FromHexString(DocumentSha256);
    string Ledger.IEnvelopeEvent.EnvelopeBlobSha256 => EnvelopeSha256;
}

/// <summary>
/// A recorded step no longer counts: the peer's step <see cref="SupersededBy"/> took its place in the shared history
/// (the two crossed, and that one precedes it — <see cref="CaseStepDocument.Precedes"/>), or it came after a step that did.
/// The step stays in the history, marked; the log is append-only. On the node that took it, <see cref="Outcome"/> says
/// whether it was taken again on top of the winner ("reissued as …") or the rules no longer allowed it ("dropped: …").
/// </summary>
public sealed record RequestStepSuperseded(string Case, int? Seq, string DocumentSha256, string SupersededBy, DateTimeOffset At, string Outcome);

/// <summary>
/// A peer's step that waited for its predecessor was refused when that arrived (it was receipted when held): recorded so
/// that people see the two nodes may disagree on it, with the rule that refused it.
/// </summary>
public sealed record HeldStepRefused(string Case, int? Seq, string DocumentSha256, string From, string Rule, string Detail, DateTimeOffset At);

/// <summary>A peer's step that arrived before its predecessor (<see cref="Previous"/>); applied as soon as the predecessor is recorded.</summary>
public sealed record HeldCaseStep(string Id, string Case, int Seq, string Previous, string From, byte[] Envelope, DateTimeOffset HeldAt)
{
    public static string Key(string caseRef, string previousSha256) => $"{caseRef}#{previousSha256}";
}

/// <summary>The peer was sent a signed reminder that a case is overdue (and the node's own people were told).</summary>
public sealed record RequestEscalated(string Case, string Escalation, DateTimeOffset DueAt, DateTimeOffset At, IReadOnlyList<string> Notified);

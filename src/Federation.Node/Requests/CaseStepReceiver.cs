using System.Text.Json;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Requests;
using Federation.Node.Hosting;
using Federation.Node.Messaging;
using Federation.Node.Sync;
using Marten;

namespace Federation.Node.Requests;

/// <summary>
/// Applies case steps a peer sends, whether pushed or pulled. In order: the step's own envelope must verify against
/// the sending peer's pinned CA and name it (<c>signer-not-origin</c> otherwise); the case must be known, unless the
/// step is the <c>send</c> that opens it (<c>request-unknown-case</c>); the peer must be party to it
/// (<c>request-not-party</c>); a step already held is ignored, one whose predecessor has not arrived is held; then
/// the same <see cref="RequestRules"/> as on the sending node. The requested node answers an accepted <c>send</c>
/// with its signed <c>deliver</c> step, whose time is this reception's: the receipt's time, where the legal clock starts.
/// </summary>
public sealed class CaseStepReceiver(CaseJournal journal, TimeProvider clock) : MessageHandler(RequestMessaging.Kind, clock)
{
    private readonly EnvelopeVerifier _verifier = new(clock);

    public const string UnknownCase = "request-unknown-case";
    public const string SequenceConflict = "request-sequence-conflict";
    public const string Malformed = "request-malformed";

    protected override async Task<ItemRefusal?> ApplyAsync(ItemReception reception, ReceivedMessage message, CancellationToken ct)
    {
        if (message.Document.Type == RequestMessaging.ReminderType) return await ReminderAsync(reception, message, ct);
        if (message.Document.Type != RequestMessaging.StepType)
            return new(Malformed, $"a request message of type '{message.Document.Type}' is not a case step");
        RequestMessageBody? body;
        try
        {
            body = message.Document.Body.Deserialize<RequestMessageBody>(RequestJson.Options);
        }
        catch (JsonException e)
        {
            return new(Malformed, e.Message);
        }
        if (body?.Envelope is null) return new(Malformed, "the message carries no step envelope");
        byte[] envelope;
        try { envelope = Convert.FromBase64String(body.Envelope); }
        catch (FormatException e) { return new(Malformed, e.Message); }
        var scope = new CaseJournal.Scope(reception.Connection, reception.Transaction, reception.Session);
        return await ReceiveAsync(scope, reception.Settings, reception.Peer, envelope, reception.Now, ct);
    }

    /// <summary>Verifies and applies one step envelope from <paramref name="peer"/>; null when applied, held or a duplicate.</summary>
    public async Task<ItemRefusal?> ReceiveAsync(CaseJournal.Scope scope, NodeSettings settings, PeerSettings peer, byte[] envelope, DateTimeOffset now, CancellationToken ct)
    {
        var check = _verifier.VerifyAttached(envelope, new EnvelopePolicy(FederationOids.CaseStep, peer.NodeId, peer.Anchor));
        if (!check.Accepted) return new(check.Reason!, check.Detail);
        check.Signer?.Dispose();
        CaseStepDocument doc;
        try
        {
            doc = CaseStepDocument.Parse(check.Content.Span);
        }
        catch (FormatException e)
        {
            return new(Malformed, e.Message);
        }
        if (doc.Seq is null) return new(Malformed, "a step without a sequence number stays on its node and is never sent");
        if (doc.Actor.Node != peer.NodeId) return new(EnvelopeRejections.SignerNotOrigin, $"the step says {doc.Actor.Node} took it, but {peer.NodeId} signed it");

        await CaseJournal.LockAsync(scope, doc.Case, ct);
        var file = await scope.Session.LoadAsync<RequestFile>(doc.Case.Value, ct);
        return await ApplyOneAsync(scope, settings, peer, file, doc, envelope, now, ct);
    }

    private async Task<ItemRefusal?> ApplyOneAsync(CaseJournal.Scope scope, NodeSettings settings, PeerSettings peer, RequestFile? file,
        CaseStepDocument doc, byte[] envelope, DateTimeOffset now, CancellationToken ct)
    {
        var sha = CaseStepDocument.Sha256Hex(doc.ToUtf8());
        if (file is null)
        {
            if (doc.Step is not Send send) return new(UnknownCase, $"this node holds no case {doc.Case}; only a 'send' opens one");
            if (send.Request.RequestedNode != settings.NodeId)
                return new(RequestRuleCodes.NotParty, $"case {doc.Case} is addressed to {send.Request.RequestedNode}, not to {settings.NodeId}");
            if (send.Request.Case != doc.Case || doc.Seq != 1 || doc.Previous is not null)
                return new(SequenceConflict, "a case opens with step 1, the send of that same case");
        }
        else
        {
            var held = file.ReadCase();
            if (held.SideOf(peer.NodeId) is null)
                return new(RequestRuleCodes.NotParty, $"{peer.NodeId} is not party to case {doc.Case} ({held.RequestingNode} asks {held.RequestedNode})");
            if (doc.Seq <= file.SharedSeq)
                return await IsRecordedAsync(scope, doc.Case, sha, ct)
                    ? null // a duplicate: already applied
                    : new(SequenceConflict, $"step {doc.Seq} of {doc.Case} is already held with other content");
            if (doc.Seq > file.SharedSeq + 1)
            {
                // Out of order: keep it until its predecessor arrives (pull or push will bring it).
                scope.Session.Store(new HeldCaseStep(HeldCaseStep.Key(doc.Case.Value, doc.Seq!.Value), doc.Case.Value, doc.Seq.Value, peer.NodeId.Value, envelope, now));
                return null;
            }
            if (doc.Previous != file.LastSharedSha256)
                return new(SequenceConflict, $"step {doc.Seq} of {doc.Case} follows {doc.Previous ?? "nothing"}, but this node's step {file.SharedSeq} is {file.LastSharedSha256}");
        }

        var decision = RequestRules.Take(file?.ReadCase(), doc.Step, doc.Actor, doc.At);
        if (!decision.Allowed) return new(decision.Violation!.Rule, decision.Violation.Detail);
        var written = await journal.RecordReceivedAsync(scope, file, decision.Next!, doc, sha, envelope, ct);

        if (doc.Step is Send)
        {
            // The legal clock starts at the receipt: this reception's time, as the push receipt states it (µs, as PostgreSQL keeps it).
            var receivedAt = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
            written = (await journal.TakeAsync(scope, written, new Deliver(receivedAt), Actor.System(settings.NodeId), receivedAt, ct)).File;
        }
        return await ApplyHeldAsync(scope, settings, peer, written, now, ct);
    }

    private async Task<ItemRefusal?> ApplyHeldAsync(CaseJournal.Scope scope, NodeSettings settings, PeerSettings peer, RequestFile file, DateTimeOffset now, CancellationToken ct)
    {
        var key = HeldCaseStep.Key(file.Id, file.SharedSeq + 1);
        var next = await scope.Session.LoadAsync<HeldCaseStep>(key, ct);
        if (next is null) return null;
        scope.Session.Delete<HeldCaseStep>(key);
        var check = _verifier.VerifyAttached(next.Envelope, new EnvelopePolicy(FederationOids.CaseStep, peer.NodeId, peer.Anchor));
        check.Signer?.Dispose();
        // A held step that no longer applies is dropped, not fatal to the step that arrived: it was checked when held.
        if (!check.Accepted) return null;
        var doc = CaseStepDocument.Parse(check.Content.Span);
        // Likewise a held step the rules now refuse is dropped (and stays out of the history): the step that arrived
        // and released it was valid on its own.
        await ApplyOneAsync(scope, settings, peer, file, doc, next.Envelope, now, ct);
        return null;
    }

    /// <summary>A peer's signed overdue reminder: recorded in the case's history, for a case both hold.</summary>
    private static async Task<ItemRefusal?> ReminderAsync(ItemReception reception, ReceivedMessage message, CancellationToken ct)
    {
        RequestReminder? reminder;
        try { reminder = message.Document.Body.Deserialize<RequestReminder>(RequestJson.Options); }
        catch (JsonException e) { return new(Malformed, e.Message); }
        if (reminder is null || !CaseRef.TryParse(reminder.Case, out var caseRef)) return new(Malformed, "the reminder names no case");
        var file = await reception.Session.LoadAsync<RequestFile>(caseRef.Value, ct);
        if (file is null) return new(UnknownCase, $"this node holds no case {caseRef}");
        if (file.ReadCase().SideOf(reception.Peer.NodeId) is null) return new(RequestRuleCodes.NotParty, $"{reception.Peer.NodeId} is not party to case {caseRef}");
        reception.Session.Events.Append(RequestFile.Stream(caseRef),
            new RequestEscalated(caseRef.Value, "reminder-received", reminder.DueAt, reception.Now, [reception.Peer.NodeId.ToUri()]));
        return null;
    }

    private static async Task<bool> IsRecordedAsync(CaseJournal.Scope scope, CaseRef caseRef, string sha, CancellationToken ct)
    {
        var events = await scope.Session.Events.FetchStreamAsync(RequestFile.Stream(caseRef), token: ct);
        return events.Select(e => e.Data).OfType<RequestStepRecorded>().Any(r => r.DocumentSha256 == sha);
    }
}

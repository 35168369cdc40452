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
/// the same <see cref="RequestRules"/> as on the sending node. A step that crossed one of ours (same place, same
/// predecessor) is settled by <see cref="CrossedAsync"/>, alike on both nodes. The requested node answers an accepted
/// <c>send</c> with its signed <c>deliver</c> step, whose time is this reception's: the receipt's time, where the legal
/// clock starts.
/// </summary>
public sealed class CaseStepReceiver(CaseJournal journal, TimeProvider clock) : MessageHandler(RequestMessaging.Kind, clock)
{
    private readonly EnvelopeVerifier _verifier = new(clock);

    public const string UnknownCase = "request-unknown-case";
    public const string SequenceConflict = "request-sequence-conflict";
    public const string Malformed = "request-malformed";
    public const string HeldLimit = "request-held-limit";

    /// <summary>How many of this node's steps one crossing step of the peer may set aside: honest crossings displace the few taken while a message travelled.</summary>
    public const int MaxDisplaced = 32;
    /// <summary>How many steps of one case may wait for their predecessor: a bound on what a peer can make this node store.</summary>
    public const int MaxHeldPerCase = 64;
    /// <summary>
    /// A crossing that sets aside a step of ours older than this is told to supervisors and duty officers: honest crossings
    /// are as old as a message's journey, and a peer could backdate a step to undo ours (docs/requests.md, "Steps that cross").
    /// </summary>
    public static readonly TimeSpan CrossingAlertAge = TimeSpan.FromHours(1);
    public const string CrossingAlert = "crossing-set-aside";

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
        // Both nodes name a step by the SHA-256 of its signed bytes: only the one encoding of the document is accepted, so
        // the digest a node records is the digest of what was signed (and the ledger's leaf commits to it).
        if (!check.Content.Span.SequenceEqual(doc.ToUtf8())) return new(Malformed, "the step document is not in its canonical encoding");
        if (doc.Actor.Node != peer.NodeId) return new(EnvelopeRejections.SignerNotOrigin, $"the step says {doc.Actor.Node} took it, but {peer.NodeId} signed it");

        await CaseJournal.LockAsync(scope, doc.Case, ct);
        var file = await scope.Session.LoadAsync<RequestFile>(doc.Case.Value, ct);
        return (await ApplyOneAsync(scope, settings, peer, file, doc, envelope, now, ct)).Refusal;
    }

    private async Task<(ItemRefusal? Refusal, RequestFile? File)> ApplyOneAsync(CaseJournal.Scope scope, NodeSettings settings, PeerSettings peer,
        RequestFile? file, CaseStepDocument doc, byte[] envelope, DateTimeOffset now, CancellationToken ct)
    {
        var sha = CaseStepDocument.Sha256Hex(doc.ToUtf8());
        if (file is null)
        {
            if (doc.Step is not Send send) return (new(UnknownCase, $"this node holds no case {doc.Case}; only a 'send' opens one"), null);
            if (send.Request.RequestedNode != settings.NodeId)
                return (new(RequestRuleCodes.NotParty, $"case {doc.Case} is addressed to {send.Request.RequestedNode}, not to {settings.NodeId}"), null);
            if (send.Request.Case != doc.Case || doc.Seq != 1 || doc.Previous is not null)
                return (new(SequenceConflict, "a case opens with step 1, the send of that same case"), null);
            return await ApplyInOrderAsync(scope, settings, peer, null, doc, sha, envelope, now, ct);
        }

        var held = file.ReadCase();
        if (held.SideOf(peer.NodeId) is null)
            return (new(RequestRuleCodes.NotParty, $"{peer.NodeId} is not party to case {doc.Case} ({held.RequestingNode} asks {held.RequestedNode})"), file);
        // The usual case, the next step after the last one held, needs no read of the history: a step recorded before
        // (applied or superseded) never follows the last step that counts at the next place.
        var inOrder = doc.Seq == file.SharedSeq + 1 && doc.Previous is not null && doc.Previous == file.LastSharedSha256;
        var history = inOrder ? null : await CaseHistory.LoadAsync(scope, settings.Schema, doc.Case, ct);
        if (history?.Holds(sha) == true) return (null, file); // a duplicate: already recorded
        // A proposal, a note or an archiving stays on the node that made it; one claiming a place in the shared history is forged.
        if (!doc.Step.IsShared(held)) return (new(Malformed, $"'{doc.Step.Action}' as {peer.NodeId} signed it stays on its node and is never sent"), file);
        if (history is null) return await ApplyInOrderAsync(scope, settings, peer, file, doc, sha, envelope, now, ct);
        if (doc.Previous is null) return (new(SequenceConflict, $"step {doc.Seq} of {doc.Case} names no predecessor; only the send does"), file);
        if (history.SupersededBy(doc.Previous) is { } winner)
        {
            // Built on a step that lost its place, it loses with it; its node takes it again on top of the winner.
            await journal.RecordSupersededAsync(scope, doc, sha, envelope, winner, now, ct);
            return (null, await ReleaseHeldAsync(scope, settings, peer, file, sha, now, ct));
        }
        if (history.SharedAt(doc.Seq!.Value) is { } rival && doc.Previous == history.SharedAt(doc.Seq.Value - 1)?.DocumentSha256)
            return await CrossedAsync(scope, settings, peer, file, history, rival, doc, sha, envelope, now, ct);
        if (!history.Holds(doc.Previous))
        {
            // Its predecessor has not arrived: keep it until it does (pull or push will bring it).
            var key = HeldCaseStep.Key(doc.Case.Value, doc.Previous);
            if (await scope.Session.LoadAsync<HeldCaseStep>(key, ct) is { } waiting)
                return waiting.Envelope.AsSpan().SequenceEqual(envelope)
                    ? (null, file)
                    : (new(SequenceConflict, $"{peer.NodeId} signed two different steps after {doc.Previous} of {doc.Case}"), file);
            if (await scope.Session.Query<HeldCaseStep>().CountAsync(h => h.Case == doc.Case.Value, ct) >= MaxHeldPerCase)
                return (new(HeldLimit, $"{MaxHeldPerCase} steps of {doc.Case} already wait for their predecessors"), file);
            scope.Session.Store(new HeldCaseStep(key, doc.Case.Value, doc.Seq.Value, doc.Previous, peer.NodeId.Value, envelope, now));
            return (null, file);
        }
        return (new(SequenceConflict, $"step {doc.Seq} of {doc.Case} follows {doc.Previous}, which is not step {doc.Seq - 1} of this node's history"), file);
    }

    /// <summary>The next step of the shared history, as expected: checked by the rules and recorded.</summary>
    private async Task<(ItemRefusal?, RequestFile?)> ApplyInOrderAsync(CaseJournal.Scope scope, NodeSettings settings, PeerSettings peer, RequestFile? file,
        CaseStepDocument doc, string sha, byte[] envelope, DateTimeOffset now, CancellationToken ct)
    {
        var decision = RequestRules.Take(file?.ReadCase(), doc.Step, doc.Actor, doc.At);
        if (!decision.Allowed) return (new(decision.Violation!.Rule, decision.Violation.Detail), file);
        var written = await journal.RecordReceivedAsync(scope, file, decision.Next!, doc, sha, envelope, ct);
        if (doc.Step is Send)
        {
            // The legal clock starts at the receipt: this reception's time, as the push receipt states it (µs, as PostgreSQL keeps it).
            var receivedAt = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
            written = (await journal.TakeAsync(scope, written, new Deliver(receivedAt), Actor.System(settings.NodeId), receivedAt, ct)).File;
        }
        return (null, await ReleaseHeldAsync(scope, settings, peer, written, sha, now, ct));
    }

    /// <summary>
    /// The peer's step and this node's step <paramref name="rival"/> claim the same place: both were taken on the same
    /// history before either side saw the other's. The one that <see cref="CaseStepDocument.Precedes"/> the other keeps the
    /// place, on both nodes alike. If ours loses, it and every step this node took after it are superseded, the case is
    /// rebuilt from the steps before it, the peer's step applied, and ours taken again on top, each only if the rules still
    /// allow it (a withdrawal crossing an acceptance is still possible after it; an acceptance crossing a withdrawal is not).
    /// </summary>
    private async Task<(ItemRefusal?, RequestFile?)> CrossedAsync(CaseJournal.Scope scope, NodeSettings settings, PeerSettings peer, RequestFile file,
        CaseHistory history, RequestStepRecorded rival, CaseStepDocument doc, string sha, byte[] envelope, DateTimeOffset now, CancellationToken ct)
    {
        if (rival.Via != RequestStepRecorded.Local)
            return (new(SequenceConflict, $"{peer.NodeId} signed two different steps {doc.Seq} of {doc.Case}: {rival.DocumentSha256} and {sha}"), file);
        var rivalDoc = await history.DocumentAsync(rival, ct);
        if (CaseStepDocument.Precedes(rivalDoc, rival.DocumentSha256, doc, sha))
        {
            await journal.RecordSupersededAsync(scope, doc, sha, envelope, rival.DocumentSha256, now, ct);
            return (null, await ReleaseHeldAsync(scope, settings, peer, file, sha, now, ct));
        }

        var ours = history.Steps.SkipWhile(s => !ReferenceEquals(s, rival)).Where(history.Counts).ToList();
        // An honest peer never builds on a step of ours that its own step displaces: it would have had to hold ours first.
        if (ours.Any(s => s.Via != RequestStepRecorded.Local))
            return (new(SequenceConflict, $"{peer.NodeId} already built on step {rival.Seq} of {doc.Case}, which its step {sha} now claims to displace"), file);
        if (ours.Count > MaxDisplaced)
            return (new(SequenceConflict, $"step {sha} of {peer.NodeId} would set aside {ours.Count} steps of this node (at most {MaxDisplaced})"), file);
        var (before, seq, last) = await history.ReplayBeforeAsync(rival, ct);
        var decision = RequestRules.Take(before, doc.Step, doc.Actor, doc.At);
        if (!decision.Allowed) return (new(decision.Violation!.Rule, decision.Violation.Detail), file);

        var written = await journal.RecordReceivedAsync(scope, RequestFile.For(before, settings.NodeId, seq, last, now), decision.Next!, doc, sha, envelope, ct);
        written = await ReleaseHeldAsync(scope, settings, peer, written, sha, now, ct);
        foreach (var step in ours)
        {
            var mine = await history.DocumentAsync(step, ct);
            string outcome;
            if (!StillActs(settings, mine.Actor))
                outcome = $"dropped: {RequestRuleCodes.Role}: {mine.Actor.Person} no longer holds the role {RequestJson.Name(mine.Actor.Role)} on this node";
            else
                try
                {
                    // A shared step is retaken now, and never signed earlier than the peer's step it now follows (the peer's
                    // clock may run ahead of ours); a step that stays here keeps the time its person took it.
                    var at = step.Seq is null ? mine.At : now > doc.At ? now : doc.At;
                    var retaken = await journal.TakeAsync(scope, written, mine.Step, mine.Actor, at, ct, reissues: step.DocumentSha256);
                    written = retaken.File;
                    outcome = "reissued as " + retaken.DocumentSha256;
                }
                catch (Refusal refused)
                {
                    outcome = $"dropped: {refused.Reason}: {refused.Detail}";
                }
            CaseJournal.Supersede(scope, doc.Case, step.Seq, step.DocumentSha256, sha, now, outcome);
        }
        if (now - rival.At > CrossingAlertAge)
            scope.Session.Events.Append(RequestFile.Stream(doc.Case), new RequestEscalated(doc.Case.Value, CrossingAlert, rival.At, now,
                settings.PeopleWith(Roles.Supervisor, Roles.DutyOfficer)));
        return (null, written);
    }

    /// <summary>A retaken step is signed again in its person's name: only while this node still gives them that role.</summary>
    private static bool StillActs(NodeSettings settings, Actor actor) =>
        actor.Role == CaseRole.System || settings.People.TryGetValue(actor.Person, out var roles) && roles.Contains(RequestJson.Name(actor.Role));

    /// <summary>
    /// Applies the peer's step that was held waiting for <paramref name="recordedSha"/>, now that it is recorded. A held step
    /// refused now is not applied but recorded as refused (<see cref="HeldStepRefused"/>), for people to see: the step that
    /// released it was valid on its own and stays.
    /// </summary>
    private async Task<RequestFile> ReleaseHeldAsync(CaseJournal.Scope scope, NodeSettings settings, PeerSettings peer, RequestFile file, string recordedSha,
        DateTimeOffset now, CancellationToken ct)
    {
        var key = HeldCaseStep.Key(file.Id, recordedSha);
        var held = await scope.Session.LoadAsync<HeldCaseStep>(key, ct);
        if (held is null) return file;
        scope.Session.Delete<HeldCaseStep>(key);
        // Verified when it was held (and receipted then): a certificate that expired since must not lose it now.
        var doc = CaseHistory.Read(held.Envelope);
        var (refusal, after) = await ApplyOneAsync(scope, settings, peer, file, doc, held.Envelope, now, ct);
        if (refusal is { } r)
            scope.Session.Events.Append(RequestFile.Stream(doc.Case),
                new HeldStepRefused(doc.Case.Value, doc.Seq, CaseStepDocument.Sha256Hex(doc.ToUtf8()), held.From, r.Reason, r.Detail, now));
        return after ?? file;
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
}

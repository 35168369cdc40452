using System.Text.Json;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Requests;
using Federation.Node.Hosting;
using Federation.Node.Messaging;
using Federation.Node.Storage;
using Marten;
using Npgsql;

namespace Federation.Node.Requests;

/// <summary>
/// The one write path of cases, for steps this node's people take and steps its peers send: checks the step with
/// <see cref="RequestRules"/>, signs it as a <see cref="CaseStepDocument"/> envelope, appends it to the case's stream,
/// rewrites the <see cref="RequestFile"/>, and sends shared steps to the peer as a "request" message — all inside the
/// caller's transaction, so a failure leaves nothing half-written and a step is never sent without being recorded.
/// </summary>
public sealed class CaseJournal(NodeSettingsMonitor settings, MessageSender sender, TimeProvider time, IServiceProvider services)
{
    /// <summary>How long a case message stays deliverable: long enough for a peer that is down for weeks.</summary>
    public static readonly TimeSpan MessageLifetime = TimeSpan.FromDays(90);

    /// <summary>The id of the message (and feed item) that carries a shared step: case, place, and the step's digest (retaken steps share a place).</summary>
    public static string MessageId(CaseRef caseRef, int seq, string documentSha256) => $"{caseRef}/{seq}/{documentSha256[..16]}";

    /// <summary>The transaction a step is written in.</summary>
    public sealed record Scope(NpgsqlConnection Connection, NpgsqlTransaction Transaction, IDocumentSession Session);

    /// <summary>Serialises every writer of one case (people on several instances, the inbox, the pull) on the case's key.</summary>
    public static async Task LockAsync(Scope scope, CaseRef caseRef, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", scope.Connection, scope.Transaction);
        cmd.Parameters.Add(new NpgsqlParameter { Value = RequestFile.Stream(caseRef) });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Takes a step on this node. Throws <see cref="Refusal"/> when a rule forbids it; nothing is written then.
    /// <paramref name="reissues"/> names the superseded step this one takes again (<see cref="CaseStepReceiver"/>).
    /// </summary>
    public async Task<Taken> TakeAsync(Scope scope, RequestFile? file, RequestStep step, Actor actor, DateTimeOffset at, CancellationToken ct,
        string? reissues = null)
    {
        var current = file?.ReadCase();
        var decision = RequestRules.Take(current, step, actor, at);
        if (!decision.Allowed) throw RequestRefusal.From(decision.Violation!);
        var next = decision.Next!;
        var shared = step.IsShared(current);
        var seq = shared ? (file?.SharedSeq ?? 0) + 1 : (int?)null;
        var doc = new CaseStepDocument(CaseStepDocument.CurrentVersion, next.Case, seq, shared ? file?.LastSharedSha256 : null, actor, at, step, reissues);
        var utf8 = doc.ToUtf8();
        var envelope = new EnvelopeSigner(settings.Current.SigningCertificate, time).SignAttached(FederationOids.CaseStep, utf8);
        var sha = CaseStepDocument.Sha256Hex(utf8);
        var written = await RecordAsync(scope, next, doc, sha, envelope, RequestStepRecorded.Local, file, ct);
        if (shared)
        {
            var body = JsonSerializer.SerializeToElement(new RequestMessageBody(Convert.ToBase64String(envelope)));
            await sender.SendAsync(scope.Connection, scope.Transaction,
                new OutgoingMessage(RequestMessaging.Kind, RequestMessaging.StepType, [next.Peer(settings.Current.NodeId)], body, MessageLifetime,
                    MessageId(next.Case, seq!.Value, sha)), ct);
        }
        return new Taken(next, written, sha);
    }

    /// <summary>Applies a peer's step that <see cref="CaseStepReceiver"/> verified and sequenced.</summary>
    internal async Task<RequestFile> RecordReceivedAsync(Scope scope, RequestFile? file, RequestCase next, CaseStepDocument doc, string sha, byte[] envelope,
        CancellationToken ct)
    {
        var written = await RecordAsync(scope, next, doc, sha, envelope, RequestStepRecorded.FromPeer, file, ct);
        if (doc.Step is Restrict { Kind: RestrictionKind.MustDelete })
        {
            // The peer requires data it handed over to be deleted: the people who can confirm it are told at once,
            // whether or not the case was already archived here (it returns to the working boxes until confirmed).
            scope.Session.Events.Append(RequestFile.Stream(next.Case), new RequestEscalated(next.Case.Value, DeletionRequired, doc.At, time.GetUtcNow(),
                settings.Current.PeopleWith(Roles.Officer, Roles.Supervisor)));
        }
        if (doc.Step is AskUse)
        {
            // The supplier of the data asks how it was used (Budapest Art 28(4)): the requesting officers and supervisors answer.
            scope.Session.Events.Append(RequestFile.Stream(next.Case), new RequestEscalated(next.Case.Value, UseExplanationAsked, doc.At, time.GetUtcNow(),
                settings.Current.PeopleWith(Roles.Officer, Roles.Supervisor)));
        }
        if (doc.Step is RectifyRequest or RectifyResponse)
        {
            // LED Art 7(3): the recipient of incorrect data is told without delay — here, the people who work the case.
            var roles = next.SideOf(settings.Current.NodeId) == CaseSide.Requested ? new[] { Roles.CaseHandler, Roles.Supervisor } : [Roles.Officer, Roles.Supervisor];
            scope.Session.Events.Append(RequestFile.Stream(next.Case), new RequestEscalated(next.Case.Value, Rectified, doc.At, time.GetUtcNow(),
                settings.Current.PeopleWith(roles)));
        }
        return written;
    }

    /// <summary>The escalation recorded when the peer requires the deletion of data it handed over.</summary>
    public const string DeletionRequired = "deletion-required";

    /// <summary>The escalation recorded when the peer asks how the data it handed over was used.</summary>
    public const string UseExplanationAsked = "use-explanation-asked";

    /// <summary>The escalation recorded when the peer rectifies data it transmitted.</summary>
    public const string Rectified = "rectified";

    /// <summary>
    /// Records a peer's step that lost its place to <paramref name="supersededBy"/>: kept in the history, marked superseded,
    /// without changing the case. Both nodes then hold every step either of them signed.
    /// </summary>
    internal async Task RecordSupersededAsync(Scope scope, CaseStepDocument doc, string sha, byte[] envelope, string supersededBy, DateTimeOffset now,
        CancellationToken ct)
    {
        Append(scope, doc, sha, await PutEnvelopeAsync(scope, envelope, ct), RequestStepRecorded.FromPeer);
        Supersede(scope, doc.Case, doc.Seq, sha, supersededBy, now, "the peer's step");
    }

    /// <summary>Marks a recorded step superseded (see <see cref="RequestStepSuperseded"/>).</summary>
    internal static void Supersede(Scope scope, CaseRef caseRef, int? seq, string sha, string supersededBy, DateTimeOffset now, string outcome) =>
        scope.Session.Events.Append(RequestFile.Stream(caseRef), new RequestStepSuperseded(caseRef.Value, seq, sha, supersededBy, now, outcome));

    private async Task<RequestFile> RecordAsync(Scope scope, RequestCase next, CaseStepDocument doc, string sha, byte[] envelope, string via, RequestFile? file,
        CancellationToken ct)
    {
        var envelopeSha = await PutEnvelopeAsync(scope, envelope, ct);
        var seq = doc.Seq ?? file?.SharedSeq ?? 0;
        var last = doc.Seq is null ? file?.LastSharedSha256 : sha;
        Append(scope, doc, sha, envelopeSha, via);
        var written = RequestFile.For(next, settings.Current.NodeId, seq, last, time.GetUtcNow());
        scope.Session.Store(written);
        // Resolved late: escalation itself writes through this journal (expiry).
        services.GetRequiredService<RequestEscalation>().Schedule(file?.ReadCase(), next);
        return written;
    }

    private async Task<string> PutEnvelopeAsync(Scope scope, byte[] envelope, CancellationToken ct)
    {
        var envelopeSha = ContentDigest.Of(envelope).Hex;
        await Blobs.PutAsync(scope.Connection, scope.Transaction, settings.Current.Schema, envelopeSha, MessageHandler.MediaType, envelope, ct);
        return envelopeSha;
    }

    private static void Append(Scope scope, CaseStepDocument doc, string sha, string envelopeSha, string via) =>
        scope.Session.Events.Append(RequestFile.Stream(doc.Case), new RequestStepRecorded(doc.Case.Value, doc.Seq, doc.Step.Action, doc.Actor.Node.Value,
            doc.Actor.Person, RequestJson.Name(doc.Actor.Role), doc.At, sha, envelopeSha, doc.Actor.Node.Value, via, doc.Reissues));
}

/// <summary>A step taken: the case after it, the file as written (the session holds it until the caller commits) and the step's document digest.</summary>
public sealed record Taken(RequestCase Case, RequestFile File, string DocumentSha256);

/// <summary>The body of a "request" message: the case step's own signed envelope, so it verifies on its own, whatever carried it.</summary>
public sealed record RequestMessageBody(string Envelope);

/// <summary>The message kind that carries case steps between nodes.</summary>
public static class RequestMessaging
{
    public static readonly MessageKind Kind = new("request", FederationOids.CaseMessage);
    public const string StepType = "request.step";
    public const string ReminderType = "request.reminder";
}

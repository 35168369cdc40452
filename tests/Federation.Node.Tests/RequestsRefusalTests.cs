using System.Net;
using System.Text.Json.Nodes;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Pki;
using Federation.Core.Requests;
using Federation.Node.Hosting;
using Federation.Node.Requests;
using Federation.Node.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Federation.Node.Tests.Support.RequestSteps;

namespace Federation.Node.Tests;

/// <summary>Four eyes, co-signatures, emergencies before validation, and the steps a node refuses from its peers, each with its reason.</summary>
public sealed class RequestsRefusalTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    private TestNode Kr => nodes.Kr;
    private TestNode Fr => nodes.Fr;

    private Task<CaseRef> SentPreservationAsync() => DeliveredAsync(Kr, Fr, RequestType.Preserve, "BUDAPEST:29", Preservation);

    [Fact]
    public async Task An_officer_cannot_approve_her_own_request()
    {
        var caseRef = (await DraftAsync(Kr, "officer", RequestType.Preserve, "BUDAPEST:29", "fr-ofmin", Preservation)).Case.Case;
        await ActAsync(Kr, "officer", caseRef, "submit");

        using (var asOfficer = await TryActAsync(Kr, "officer", caseRef, "approve"))
            Assert.Equal(RequestRuleCodes.Role, await ProblemReason.Of(asOfficer, HttpStatusCode.Forbidden));

        // Even holding the supervisor role too, the drafter is not the second pair of eyes.
        await Kr.ReconfigureAsync(c => c["Node"]!["People"]![0]!["Roles"] = new JsonArray("officer", "supervisor"));
        try
        {
            using var own = await TryActAsync(Kr, "officer", caseRef, "approve");
            Assert.Equal(RequestRuleCodes.FourEyes, await ProblemReason.Of(own, HttpStatusCode.Forbidden));
        }
        finally
        {
            await Kr.ReconfigureAsync(c => c["Node"]!["People"]![0]!["Roles"] = new JsonArray("officer"));
        }
        Assert.Equal(RequestState.InReview, (await GetAsync(Kr, "officer", caseRef)).Case.State);
    }

    [Fact]
    public async Task An_unapproved_request_cannot_be_sent_and_nothing_reaches_the_peer()
    {
        var caseRef = (await DraftAsync(Kr, "officer", RequestType.Preserve, "BUDAPEST:29", "fr-ofmin", Preservation)).Case.Case;
        await ActAsync(Kr, "officer", caseRef, "submit");

        using var send = await TryActAsync(Kr, "officer", caseRef, "send");

        Assert.Equal(RequestRuleCodes.NotApproved, await ProblemReason.Of(send, HttpStatusCode.Conflict));
        await PushAsync(Kr, Fr);
        await using var session = Fr.Services.GetRequiredService<IDocumentStore>().QuerySession();
        Assert.Null(await session.LoadAsync<RequestFile>(caseRef.Value));
    }

    [Fact]
    public async Task A_draft_missing_required_fields_is_not_submitted_and_the_problem_names_them()
    {
        var caseRef = (await DraftAsync(Kr, "officer", RequestType.Preserve, "BUDAPEST:29", "fr-ofmin", Preservation with { Custodian = null })).Case.Case;

        using var submit = await TryActAsync(Kr, "officer", caseRef, "submit");

        Assert.Equal(RequestRuleCodes.FieldsMissing, await ProblemReason.Of(submit, HttpStatusCode.UnprocessableEntity));
    }

    [Fact]
    public async Task A_refusal_without_the_supervisor_co_signature_is_refused()
    {
        var caseRef = await SentPreservationAsync();
        await ActAsync(Fr, "case-handler", caseRef, "acknowledge", new { responderRef = "FR-1" });

        using (var badGround = await TryActAsync(Fr, "case-handler", caseRef, "refuse", new { ground = "press-freedom", reasons = "x" }))
            Assert.Equal(RequestRuleCodes.RefusalGround, await ProblemReason.Of(badGround, HttpStatusCode.UnprocessableEntity));
        using (var early = await TryActAsync(Fr, "supervisor", caseRef, "co-sign-refusal"))
            Assert.Equal(RequestRuleCodes.CoSignature, await ProblemReason.Of(early, HttpStatusCode.Forbidden));

        var proposed = await ActAsync(Fr, "case-handler", caseRef, "refuse", new { ground = "data-not-held", reasons = "The account was deleted in 2025" });
        Assert.Equal(RequestState.Acknowledged, proposed.Case.State);
        using (var alone = await TryActAsync(Fr, "case-handler", caseRef, "co-sign-refusal"))
            Assert.Equal(RequestRuleCodes.Role, await ProblemReason.Of(alone, HttpStatusCode.Forbidden));
        await PushAsync(Fr, Kr);
        Assert.Equal(RequestState.Acknowledged, (await GetAsync(Kr, "officer", caseRef)).Case.State); // the proposal never left fr-ofmin

        await ActAsync(Fr, "supervisor", caseRef, "co-sign-refusal");
        await PushAsync(Fr, Kr);
        var refused = await GetAsync(Kr, "officer", caseRef);
        Assert.Equal(RequestState.Refused, refused.Case.State);
        Assert.Equal(RefusalGround.DataNotHeld, refused.Case.RefusalGround);
        Assert.Equal(["urn:federation:person:fr-ofmin:case-handler", "urn:federation:person:fr-ofmin:supervisor"], refused.Case.RefusalSigners);
    }

    [Fact]
    public async Task An_emergency_is_sent_before_validation_with_validation_due_in_48_hours()
    {
        var details = Disclosure with
        {
            DataCategories = [DataCategory.Content], EmergencyBasis = "life", EmergencyFacts = "The victim announced suicide after the upload",
            OffenceCategory = "deepfake-ncii",
        };
        var caseRef = (await DraftAsync(Kr, "officer", RequestType.EmergencyDisclosure, "EU:2023/1543", "fr-ofmin", details, Priority.Emergency)).Case.Case;
        await ActAsync(Kr, "officer", caseRef, "submit");
        var approved = await ActAsync(Kr, "supervisor", caseRef, "approve");
        var approvedAt = approved.History.Single(h => h.Action == "approve").At;

        Assert.Equal(RequestState.Approved, approved.Case.State);
        Assert.Null(approved.Case.ValidatedBy);
        Assert.Equal(approvedAt.AddHours(48), approved.Case.ValidationDue);

        await ActAsync(Kr, "officer", caseRef, "send");
        await PushAsync(Kr, Fr);
        var received = await GetAsync(Fr, "duty-officer", caseRef);
        Assert.Equal(RequestState.Delivered, received.Case.State);
        Assert.Equal(approvedAt.AddHours(48), received.Case.ValidationDue);
        Assert.Equal(TimeSpan.FromHours(8), received.Case.Clock!.Allowed);
        var requesting = (await GetAsync(Kr, "officer", caseRef)).Case;
        Assert.Equal(Priority.Emergency, requesting.Clock!.Priority);
        var points = RequestEscalation.DuePoints(requesting, NodeId.Parse("kr-knpa"));
        Assert.Contains((RequestEscalation.ValidationDue, approvedAt.AddHours(48)), points);
        Assert.Contains(("reminder", requesting.Clock.StartedAt.AddHours(2)), points); // 25 % of 8 h
    }

    [Fact]
    public async Task A_step_for_an_unknown_case_is_refused()
    {
        var doc = new CaseStepDocument(1, CaseRef.New(NodeId.Parse("kr-knpa"), DateTimeOffset.UtcNow), 2, null,
            new Actor(NodeId.Parse("kr-knpa"), "urn:federation:person:kr-knpa:officer", CaseRole.Officer), DateTimeOffset.UtcNow, new Answer("late"));

        var refusal = await ReceiveAsync(Fr, "kr-knpa", Sign("kr-knpa", doc));

        Assert.Equal(CaseStepReceiver.UnknownCase, refusal?.Reason);
    }

    [Fact]
    public async Task A_step_from_a_node_not_party_to_the_case_is_refused()
    {
        var caseRef = await SentPreservationAsync();
        var doc = new CaseStepDocument(1, caseRef, 3, null,
            new Actor(NodeId.Parse("nl-police"), "urn:federation:person:nl-police:case-handler", CaseRole.CaseHandler), DateTimeOffset.UtcNow,
            new Acknowledge("NL-1"));

        var refusal = await ReceiveAsync(Kr, "nl-police", Sign("nl-police", doc));

        Assert.Equal(RequestRuleCodes.NotParty, refusal?.Reason);
    }

    [Fact]
    public async Task A_step_signed_by_the_wrong_node_is_refused()
    {
        var caseRef = await SentPreservationAsync();
        var held = await GetAsync(Fr, "case-handler", caseRef);
        var doc = new CaseStepDocument(1, caseRef, 3, held.History.Last(h => h.Seq is not null).DocumentSha256,
            new Actor(NodeId.Parse("kr-knpa"), "urn:federation:person:kr-knpa:supervisor", CaseRole.Supervisor), DateTimeOffset.UtcNow, new Withdraw("forged"));

        // Signed by nl-police's node key, delivered as kr-knpa's: its chain does not end at kr-knpa's pinned CA.
        Assert.Equal("chain-untrusted", (await ReceiveAsync(Fr, "kr-knpa", Sign("nl-police", doc)))?.Reason);
        // Signed by kr-knpa but claiming another node took the step.
        var claimsOther = doc with { Actor = doc.Actor with { Node = NodeId.Parse("nl-police") } };
        Assert.Equal(EnvelopeRejections.SignerNotOrigin, (await ReceiveAsync(Fr, "kr-knpa", Sign("kr-knpa", claimsOther)))?.Reason);
        // And the genuine signer with the right actor is accepted: the refusals above were for the signer alone.
        Assert.Null(await ReceiveAsync(Fr, "kr-knpa", Sign("kr-knpa", doc)));
    }

    [Fact]
    public async Task A_step_that_arrives_before_its_predecessor_is_held_until_it_comes_and_a_duplicate_is_ignored()
    {
        var caseRef = await SentPreservationAsync();
        var last = (await GetAsync(Fr, "case-handler", caseRef)).History.Last(h => h.Seq is not null);
        var kr = NodeId.Parse("kr-knpa");
        var third = new CaseStepDocument(1, caseRef, 3, last.DocumentSha256, new Actor(kr, "urn:federation:person:kr-knpa:supervisor", CaseRole.Supervisor),
            DateTimeOffset.UtcNow, new Withdraw("Suspect identified otherwise"));
        var fourth = new CaseStepDocument(1, caseRef, 4, CaseStepDocument.Sha256Hex(third.ToUtf8()),
            new Actor(kr, "urn:federation:person:kr-knpa:officer", CaseRole.Officer), DateTimeOffset.UtcNow, new Close("Withdrawn"));

        Assert.Null(await ReceiveAsync(Fr, "kr-knpa", Sign("kr-knpa", fourth), commit: true));
        Assert.Equal(RequestState.Delivered, (await GetAsync(Fr, "case-handler", caseRef)).Case.State);

        var thirdEnvelope = Sign("kr-knpa", third);
        Assert.Null(await ReceiveAsync(Fr, "kr-knpa", thirdEnvelope, commit: true));
        var after = await GetAsync(Fr, "case-handler", caseRef);
        Assert.Equal(RequestState.Closed, after.Case.State);
        Assert.Equal([3, 4], after.History.Where(h => h.Seq > 2).Select(h => h.Seq!.Value));

        Assert.Null(await ReceiveAsync(Fr, "kr-knpa", thirdEnvelope, commit: true)); // a duplicate: ignored
        Assert.Equal(after.History.Count, (await GetAsync(Fr, "case-handler", caseRef)).History.Count);
        var conflicting = third with { Step = new Withdraw("other words") };
        Assert.Equal(CaseStepReceiver.SequenceConflict, (await ReceiveAsync(Fr, "kr-knpa", Sign("kr-knpa", conflicting)))?.Reason);
    }

    [Fact]
    public async Task A_backdated_step_that_would_displace_history_its_own_node_already_built_on_is_refused()
    {
        var caseRef = await SentPreservationAsync();
        var kr = NodeId.Parse("kr-knpa");
        var delivered = (await GetAsync(Fr, "case-handler", caseRef)).History.Last(h => h.Seq is not null);
        var acknowledged = (await ActAsync(Fr, "case-handler", caseRef, "acknowledge", new { responderRef = "FR-1" })).History[^1];
        var builtOn = new CaseStepDocument(1, caseRef, acknowledged.Seq + 1, acknowledged.DocumentSha256,
            new Actor(kr, "urn:federation:person:kr-knpa:supervisor", CaseRole.Supervisor), acknowledged.At.AddSeconds(1), new Withdraw("Not needed"));
        Assert.Null(await ReceiveAsync(Fr, "kr-knpa", Sign("kr-knpa", builtOn), commit: true));

        // kr-knpa now claims an earlier step in the acknowledgement's place, after building on the acknowledgement itself.
        var backdated = new CaseStepDocument(1, caseRef, acknowledged.Seq, delivered.DocumentSha256,
            new Actor(kr, "urn:federation:person:kr-knpa:supervisor", CaseRole.Supervisor), acknowledged.At.AddMinutes(-1), new Withdraw("Earlier, really"));

        var refusal = await ReceiveAsync(Fr, "kr-knpa", Sign("kr-knpa", backdated));

        Assert.Equal(CaseStepReceiver.SequenceConflict, refusal?.Reason);
        Assert.Contains("already built on", refusal!.Value.Detail);
        Assert.Equal(RequestState.Withdrawn, (await GetAsync(Fr, "case-handler", caseRef)).Case.State);
    }

    [Fact]
    public async Task An_amended_answer_reaches_the_peer_only_once_a_supervisor_co_signed_it()
    {
        var caseRef = await SentPreservationAsync();
        await ActAsync(Fr, "case-handler", caseRef, "acknowledge", new { responderRef = "FR-9" });
        await ActAsync(Fr, "case-handler", caseRef, "request-information", new { reason = "Which account exactly?" });
        await PushAsync(Fr, Kr);
        var amended = Preservation with { Identifiers = [new TargetIdentifier("account", "uploader-4711@examplehost")] };

        await ActAsync(Kr, "officer", caseRef, "answer", new { note = "The full account name", amended });
        await PushAsync(Kr, Fr);
        Assert.Equal(RequestState.InfoRequested, (await GetAsync(Fr, "case-handler", caseRef)).Case.State); // nothing left kr-knpa
        using (var bySelf = await TryActAsync(Kr, "officer", caseRef, "co-sign-answer"))
            Assert.Equal(RequestRuleCodes.Role, await ProblemReason.Of(bySelf, HttpStatusCode.Forbidden));

        await ActAsync(Kr, "supervisor", caseRef, "co-sign-answer");
        await PushAsync(Kr, Fr);

        var fr = await GetAsync(Fr, "case-handler", caseRef);
        Assert.Equal((RequestState.Acknowledged, 2), (fr.Case.State, fr.Case.Version));
        Assert.Equal("uploader-4711@examplehost", fr.Case.Details.Identifiers![0].Value);
        Assert.Equal(["urn:federation:person:kr-knpa:officer", "urn:federation:person:kr-knpa:supervisor"], fr.Case.AmendmentSigners);
        Assert.Equal(SharedState(await GetAsync(Kr, "officer", caseRef)), SharedState(fr));
    }

    [Fact]
    public async Task A_proposal_that_stays_on_its_node_is_refused_when_a_peer_sends_it_as_a_shared_step()
    {
        var caseRef = await SentPreservationAsync();
        var acknowledged = (await ActAsync(Fr, "case-handler", caseRef, "acknowledge", new { responderRef = "FR-10" })).History[^1];
        await PushAsync(Fr, Kr);
        // fr-ofmin's node signs its case handler's refusal proposal as if it were shared: kr-knpa must not hold it.
        var proposal = new CaseStepDocument(1, caseRef, acknowledged.Seq + 1, acknowledged.DocumentSha256,
            new Actor(NodeId.Parse("fr-ofmin"), "urn:federation:person:fr-ofmin:case-handler", CaseRole.CaseHandler), DateTimeOffset.UtcNow,
            new ProposeRefusal(RefusalGround.DataNotHeld, "Deleted"));

        Assert.Equal(CaseStepReceiver.Malformed, (await ReceiveAsync(Kr, "fr-ofmin", Sign("fr-ofmin", proposal)))?.Reason);
        Assert.Null((await GetAsync(Kr, "officer", caseRef)).Case.PendingRefusal);
        // Likewise its auditor's note and its own archiving, which would otherwise land on kr-knpa's copy.
        var note = proposal with { Actor = new Actor(NodeId.Parse("fr-ofmin"), "urn:federation:person:fr-ofmin:auditor", CaseRole.Auditor), Step = new AuditNote("x") };
        Assert.Equal(CaseStepReceiver.Malformed, (await ReceiveAsync(Kr, "fr-ofmin", Sign("fr-ofmin", note)))?.Reason);
        var archive = proposal with { Actor = Actor.System(NodeId.Parse("fr-ofmin")), Step = new Archive("hide it") };
        Assert.Equal(CaseStepReceiver.Malformed, (await ReceiveAsync(Kr, "fr-ofmin", Sign("fr-ofmin", archive)))?.Reason);
    }

    [Fact]
    public async Task A_step_document_in_another_encoding_than_the_canonical_one_is_refused()
    {
        var caseRef = await SentPreservationAsync();
        var last = (await GetAsync(Fr, "case-handler", caseRef)).History.Last(h => h.Seq is not null);
        var doc = new CaseStepDocument(1, caseRef, 3, last.DocumentSha256, new Actor(NodeId.Parse("kr-knpa"), "urn:federation:person:kr-knpa:supervisor", CaseRole.Supervisor),
            DateTimeOffset.UtcNow, new Withdraw("Not needed"));
        // The same document with a space in front: it parses alike, but its digest is not the one both nodes would record.
        var spaced = System.Text.Encoding.UTF8.GetBytes(" " + System.Text.Encoding.UTF8.GetString(doc.ToUtf8()));

        Assert.Equal(CaseStepReceiver.Malformed, (await ReceiveAsync(Fr, "kr-knpa", SignBytes("kr-knpa", spaced)))?.Reason);
        Assert.Null(await ReceiveAsync(Fr, "kr-knpa", Sign("kr-knpa", doc)));
    }

    [Fact]
    public async Task Held_steps_are_bounded_per_case_and_two_different_steps_waiting_for_the_same_predecessor_are_refused()
    {
        var caseRef = await SentPreservationAsync();
        var kr = new Actor(NodeId.Parse("kr-knpa"), "urn:federation:person:kr-knpa:supervisor", CaseRole.Supervisor);
        CaseStepDocument Waiting(int i, string reason) =>
            new(1, caseRef, 4, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))), kr, DateTimeOffset.UtcNow, new Withdraw(reason));

        var first = Sign("kr-knpa", Waiting(0, "one"));
        Assert.Null(await ReceiveAsync(Fr, "kr-knpa", first, commit: true));
        Assert.Null(await ReceiveAsync(Fr, "kr-knpa", first, commit: true)); // the same again: still waiting, once
        Assert.Equal(CaseStepReceiver.SequenceConflict, (await ReceiveAsync(Fr, "kr-knpa", Sign("kr-knpa", Waiting(0, "another"))))?.Reason);

        for (var i = 1; i < CaseStepReceiver.MaxHeldPerCase; i++)
            Assert.Null(await ReceiveAsync(Fr, "kr-knpa", Sign("kr-knpa", Waiting(i, "filler")), commit: true));
        var refusal = await ReceiveAsync(Fr, "kr-knpa", Sign("kr-knpa", Waiting(CaseStepReceiver.MaxHeldPerCase, "one too many")));
        Assert.Equal(CaseStepReceiver.HeldLimit, refusal?.Reason);
    }

    [Fact]
    public async Task A_held_step_the_rules_refuse_once_its_predecessor_arrives_is_recorded_as_refused_and_the_predecessor_stays()
    {
        var caseRef = await SentPreservationAsync();
        var last = (await GetAsync(Fr, "case-handler", caseRef)).History.Last(h => h.Seq is not null);
        var kr = NodeId.Parse("kr-knpa");
        var withdraw = new CaseStepDocument(1, caseRef, 3, last.DocumentSha256, new Actor(kr, "urn:federation:person:kr-knpa:supervisor", CaseRole.Supervisor),
            DateTimeOffset.UtcNow, new Withdraw("Not needed"));
        var extend = new CaseStepDocument(1, caseRef, 4, CaseStepDocument.Sha256Hex(withdraw.ToUtf8()),
            new Actor(kr, "urn:federation:person:kr-knpa:supervisor", CaseRole.Supervisor), DateTimeOffset.UtcNow, new Extend());

        Assert.Null(await ReceiveAsync(Fr, "kr-knpa", Sign("kr-knpa", extend), commit: true));
        Assert.Null(await ReceiveAsync(Fr, "kr-knpa", Sign("kr-knpa", withdraw), commit: true));

        var view = await GetAsync(Fr, "case-handler", caseRef);
        Assert.Equal(RequestState.Withdrawn, view.Case.State);
        Assert.DoesNotContain(view.History, h => h.Action == "extend");
        var refused = Assert.Single(await EventsAsync<HeldStepRefused>(Fr, caseRef));
        Assert.Equal((RequestRuleCodes.State, CaseStepDocument.Sha256Hex(extend.ToUtf8())), (refused.Rule, refused.DocumentSha256));
    }

    [Fact]
    public async Task A_crossing_step_that_sets_aside_an_old_step_of_ours_is_applied_but_supervisors_and_duty_officers_are_told()
    {
        var caseRef = await SentPreservationAsync();
        var delivered = (await GetAsync(Fr, "case-handler", caseRef)).History.Last(h => h.Seq is not null);
        var acknowledged = (await ActAsync(Fr, "case-handler", caseRef, "acknowledge", new { responderRef = "FR-2" })).History[^1];
        // kr-knpa's withdrawal claims to have been signed just before the acknowledgement, and arrives two hours later.
        var backdated = new CaseStepDocument(1, caseRef, acknowledged.Seq, delivered.DocumentSha256,
            new Actor(NodeId.Parse("kr-knpa"), "urn:federation:person:kr-knpa:supervisor", CaseRole.Supervisor), acknowledged.At.AddSeconds(-1), new Withdraw("Earlier"));

        Assert.Null(await ReceiveAsync(Fr, "kr-knpa", Sign("kr-knpa", backdated), commit: true, now: acknowledged.At.AddHours(2)));

        var view = await GetAsync(Fr, "case-handler", caseRef);
        Assert.Equal(RequestState.Withdrawn, view.Case.State);
        Assert.Equal(CaseStepDocument.Sha256Hex(backdated.ToUtf8()), view.History.Single(h => h.DocumentSha256 == acknowledged.DocumentSha256).SupersededBy);
        var alert = Assert.Single(await EventsAsync<RequestEscalated>(Fr, caseRef), e => e.Escalation == CaseStepReceiver.CrossingAlert);
        Assert.Equal(["urn:federation:person:fr-ofmin:duty-officer", "urn:federation:person:fr-ofmin:supervisor"], alert.Notified);
    }

    [Fact]
    public async Task A_step_retaken_after_a_peer_whose_clock_runs_ahead_is_not_signed_before_the_peers_step()
    {
        var caseRef = await SentPreservationAsync();
        var acknowledged = (await ActAsync(Fr, "case-handler", caseRef, "acknowledge", new { responderRef = "FR-11" })).History[^1];
        await PushAsync(Fr, Kr);
        var withdrawal = (await ActAsync(Kr, "supervisor", caseRef, "withdraw", new { reason = "Not needed" })).History[^1];
        // fr-ofmin accepted just before, by its clock, which runs ahead of kr-knpa's: it arrives "before" it was signed.
        var accept = new CaseStepDocument(1, caseRef, withdrawal.Seq, acknowledged.DocumentSha256,
            new Actor(NodeId.Parse("fr-ofmin"), "urn:federation:person:fr-ofmin:case-handler", CaseRole.CaseHandler), withdrawal.At.AddTicks(-10), new Accept());

        Assert.Null(await ReceiveAsync(Kr, "fr-ofmin", Sign("fr-ofmin", accept), commit: true, now: withdrawal.At.AddSeconds(-5)));

        var retaken = Assert.Single((await GetAsync(Kr, "officer", caseRef)).History, h => h.Reissues == withdrawal.DocumentSha256);
        Assert.True(retaken.At >= accept.At, $"retaken at {retaken.At:O}, before the accept it follows at {accept.At:O}");
    }

    private static async Task<List<T>> EventsAsync<T>(TestNode node, CaseRef caseRef)
    {
        await using var session = node.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(RequestFile.Stream(caseRef))).Select(e => e.Data).OfType<T>().ToList();
    }

    private static byte[] Sign(string node, CaseStepDocument doc) => SignBytes(node, doc.ToUtf8());

    private static byte[] SignBytes(string node, byte[] content)
    {
        using var cert = PemFiles.LoadWithKey(Repo.CertsDev(node, "node-signing.crt"), Repo.CertsDev(node, "node-signing.key"));
        return new EnvelopeSigner(cert, TimeProvider.System).SignAttached(FederationOids.CaseStep, content);
    }

    /// <summary>Hands an envelope to the node's receiver as if <paramref name="from"/> had sent it; rolled back unless <paramref name="commit"/>.</summary>
    private static async Task<Federation.Node.Sync.ItemRefusal?> ReceiveAsync(TestNode node, string from, byte[] envelope, bool commit = false,
        DateTimeOffset? now = null)
    {
        var settings = node.Services.GetRequiredService<NodeSettingsMonitor>().Current;
        await using var conn = await node.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using var session = node.Services.GetRequiredService<IDocumentStore>().LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx));
        var refusal = await node.Services.GetRequiredService<CaseStepReceiver>().ReceiveAsync(new CaseJournal.Scope(conn, tx, session), settings,
            settings.Peers[NodeId.Parse(from)], envelope, now ?? DateTimeOffset.UtcNow, CancellationToken.None);
        if (commit && refusal is null)
        {
            await session.SaveChangesAsync();
            await tx.CommitAsync();
        }
        return refusal;
    }
}

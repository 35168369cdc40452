using System.Net;
using Federation.Core.Identity;
using Federation.Core.Requests;
using Federation.Node.Requests;
using Federation.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Federation.Node.Tests.Support.RequestSteps;

namespace Federation.Node.Tests;

/// <summary>
/// Two real nodes over mTLS: kr-knpa asks fr-ofmin to preserve an account, then to disclose its subscriber data; both
/// nodes end with the same cases and the same signed shared history.
/// </summary>
public sealed class RequestsScenarioTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    private TestNode Kr => nodes.Kr;
    private TestNode Fr => nodes.Fr;

    [Fact]
    public async Task Preservation_then_linked_disclosure_ends_identical_on_both_nodes()
    {
        var draft = await DraftAsync(Kr, "officer", RequestType.Preserve, "BUDAPEST:29", "fr-ofmin", Preservation);
        var caseRef = draft.Case.Case;
        Assert.Equal(RequestState.Draft, draft.Case.State);
        await ActAsync(Kr, "officer", caseRef, "submit");
        await ActAsync(Kr, "supervisor", caseRef, "approve");
        var sent = await ActAsync(Kr, "officer", caseRef, "send");
        Assert.Equal(RequestState.Sent, sent.Case.State);

        await PushAsync(Kr, Fr);
        var delivered = await GetAsync(Kr, "officer", caseRef);
        Assert.Equal(RequestState.Delivered, delivered.Case.State);
        var receipt = delivered.Case.DeliveredAt!.Value;
        Assert.Equal(receipt, delivered.Case.Clock!.StartedAt);
        Assert.Equal(receipt.AddHours(24), delivered.DueAt);
        Assert.Equal("inbox", (await GetAsync(Fr, "case-handler", caseRef)).Box);

        await ActAsync(Fr, "case-handler", caseRef, "acknowledge", new { responderRef = "FR-OFMIN-2026-77" });
        var asked = await ActAsync(Fr, "case-handler", caseRef, "request-information", new { reason = "Which time zone are the upload times in?" });
        Assert.Null(asked.DueAt);
        await PushAsync(Fr, Kr);
        var paused = await GetAsync(Kr, "officer", caseRef);
        Assert.Equal(RequestState.InfoRequested, paused.Case.State);
        Assert.Null(paused.DueAt);

        await ActAsync(Kr, "officer", caseRef, "answer", new { note = "KST (UTC+9)" });
        await PushAsync(Kr, Fr);
        var resumed = await GetAsync(Fr, "case-handler", caseRef);
        Assert.Equal(RequestState.Acknowledged, resumed.Case.State);
        Assert.True(resumed.Case.Clock!.PausedFor > TimeSpan.Zero);
        Assert.Equal(receipt + TimeSpan.FromHours(24) + resumed.Case.Clock.PausedFor, resumed.DueAt);

        await ActAsync(Fr, "case-handler", caseRef, "accept");
        var preserved = await ActAsync(Fr, "case-handler", caseRef, "preserve");
        await PushAsync(Fr, Kr);
        var extended = await ActAsync(Kr, "supervisor", caseRef, "extend");
        Assert.Equal(preserved.Case.PreservedUntil!.Value.AddDays(30), extended.Case.PreservedUntil);
        await PushAsync(Kr, Fr);

        var followUp = await DraftAsync(Kr, "officer", RequestType.DiscloseSubscriber, "BUDAPEST:SAP:8", "fr-ofmin", Disclosure,
            links: [new CaseLink(CaseLink.FollowsPreservation, caseRef)]);
        var disclosure = followUp.Case.Case;
        await ActAsync(Kr, "officer", disclosure, "submit");
        await ActAsync(Kr, "supervisor", disclosure, "approve");
        await ActAsync(Kr, "officer", disclosure, "send");
        await PushAsync(Kr, Fr);
        await ActAsync(Fr, "duty-officer", disclosure, "acknowledge", new { responderRef = "FR-OFMIN-2026-78" });
        await ActAsync(Fr, "case-handler", disclosure, "accept");
        await ActAsync(Fr, "case-handler", disclosure, "respond", new
        {
            manifest = new { items = new[] { new { sha256 = new string('d', 64), size = 2048, label = "subscriber-record.json", category = "subscriber" } } },
        });
        await PushAsync(Fr, Kr);
        await ActAsync(Kr, "officer", disclosure, "close", new { reason = "Subscriber identified" });
        await PushAsync(Kr, Fr);

        foreach (var c in new[] { caseRef, disclosure })
        {
            var kr = await GetAsync(Kr, "officer", c);
            var fr = await GetAsync(Fr, "case-handler", c);
            Assert.Equal(SharedState(kr), SharedState(fr));
            Assert.Equal(SharedHistory(kr), SharedHistory(fr));
            Assert.Equal("outbox", kr.Box);
            Assert.Equal("inbox", fr.Box);
            Assert.DoesNotContain(fr.History, h => h.Seq is null); // drafts never left kr-knpa
            Assert.Contains(kr.History, h => h.Seq is null && h.Action == "approve" && h.Person == "urn:federation:person:kr-knpa:supervisor");
        }
        var closed = await GetAsync(Fr, "case-handler", disclosure);
        Assert.Equal(RequestState.Closed, closed.Case.State);
        Assert.Equal([new CaseLink(CaseLink.FollowsPreservation, caseRef)], closed.Case.Links);
        Assert.Equal(new string('d', 64), closed.Case.Manifest!.Items[0].Sha256);
        Assert.Equal(new string('c', 64), closed.Case.Details.HashRefs![0].Value);
        // Sending the linked disclosure confirmed the follow-up on the preservation: it no longer expires on its own.
        var preservation = await GetAsync(Fr, "case-handler", caseRef);
        Assert.Equal(["deliver", "acknowledge", "request-information", "answer", "accept", "preserve", "extend", "confirm-follow-up"],
            preservation.History.Where(h => h.Seq > 1).Select(h => h.Action));
        Assert.Equal(disclosure, preservation.Case.FollowUpCase);
        Assert.Empty(Federation.Node.Requests.RequestEscalation.DuePoints(preservation.Case, Federation.Core.Identity.NodeId.Parse("fr-ofmin")));
    }

    [Fact]
    public async Task The_inbox_and_outbox_filter_and_sort_by_due_time()
    {
        var draft = await DraftAsync(Kr, "officer", RequestType.Preserve, "BUDAPEST:29", "fr-ofmin", Preservation);
        var caseRef = draft.Case.Case;
        await ActAsync(Kr, "officer", caseRef, "submit");
        await ActAsync(Kr, "supervisor", caseRef, "approve");
        await ActAsync(Kr, "officer", caseRef, "send");
        await PushAsync(Kr, Fr);

        using var handler = Clients.DevPerson("fr-ofmin", "case-handler", Fr);
        var inbox = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<List<Federation.Node.Requests.RequestDesk.RequestSummary>>(
            handler, "api/v1/requests?box=inbox&state=delivered&peer=kr-knpa&type=preserve&overdue=false", RequestJson.Options);
        Assert.NotNull(inbox);
        Assert.Contains(inbox, s => s.CaseRef == caseRef.Value);
        Assert.True(inbox.Zip(inbox.Skip(1)).All(p => (p.First.DueAt ?? DateTimeOffset.MaxValue) <= (p.Second.DueAt ?? DateTimeOffset.MaxValue)));
        var outbox = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<List<Federation.Node.Requests.RequestDesk.RequestSummary>>(
            handler, "api/v1/requests?box=outbox", RequestJson.Options);
        Assert.DoesNotContain(outbox!, s => s.CaseRef == caseRef.Value);
        using var bad = await handler.GetAsync("api/v1/requests?box=spam");
        Assert.Equal("request-box-invalid", await ProblemReason.Of(bad, HttpStatusCode.BadRequest));

        // A second case whose clock stopped (withdrawn): the whole inbox comes sorted by PostgreSQL — running clocks
        // soonest due first, then the rest newest first — and cut at the limit.
        var stopped = await SentAsync(Kr, Fr, RequestType.Preserve, "BUDAPEST:29", Preservation);
        await ActAsync(Kr, "supervisor", stopped, "withdraw", new { reason = "Not needed" });
        await PushAsync(Kr, Fr);
        var all = (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<List<Federation.Node.Requests.RequestDesk.RequestSummary>>(
            handler, "api/v1/requests?box=inbox", RequestJson.Options))!;
        Assert.Contains(all, s => s.CaseRef == caseRef.Value && s.DueAt is not null);
        Assert.Contains(all, s => s.CaseRef == stopped.Value && s.DueAt is null);
        Assert.Equal(all.OrderBy(s => s.DueAt ?? DateTimeOffset.MaxValue).ThenByDescending(s => s.Updated).Select(s => s.CaseRef), all.Select(s => s.CaseRef));
        var first = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<List<Federation.Node.Requests.RequestDesk.RequestSummary>>(
            handler, "api/v1/requests?box=inbox&limit=1", RequestJson.Options);
        Assert.Equal([all[0].CaseRef], first!.Select(s => s.CaseRef));
        using var tooMany = await handler.GetAsync("api/v1/requests?box=inbox&limit=100000");
        Assert.Equal("request-limit-invalid", await ProblemReason.Of(tooMany, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Data_handed_over_and_then_objected_to_must_be_deleted_and_the_signed_confirmation_reaches_the_requested_side()
    {
        var caseRef = await DeliveredAsync(Kr, Fr, RequestType.DiscloseSubscriber, "EU:2023/1543", Disclosure);
        await ActAsync(Fr, "case-handler", caseRef, "acknowledge", new { responderRef = "FR-R-1" });
        await ActAsync(Fr, "case-handler", caseRef, "accept");
        await ActAsync(Fr, "case-handler", caseRef, "respond", new
        {
            manifest = new { items = new[] { new { sha256 = new string('e', 64), size = 512, label = "subscriber.json", category = "subscriber" } } },
        });
        await ActAsync(Fr, "supervisor", caseRef, "restrict", new { kind = "must-delete", reason = "The enforcing authority objected within 96 hours" });
        await PushAsync(Fr, Kr);
        await ActAsync(Kr, "officer", caseRef, "close", new { reason = "Answered" });

        var kr = await GetAsync(Kr, "officer", caseRef);
        Assert.True(kr.Case.Restriction!.DeletionAwaited);
        var archiveAfter = TimeSpan.FromDays(365);
        Assert.Empty(RequestEscalation.DuePoints(kr.Case, NodeId.Parse("kr-knpa"), archiveAfter)); // no archiving while a deletion is awaited
        using var dpo = Clients.DevPerson("kr-knpa", "auditor", Kr);
        using (var early = await dpo.PostAsync($"api/v1/requests/{caseRef}/archive", System.Net.Http.Json.JsonContent.Create(new { reason = "retention" })))
            Assert.Equal(RequestRuleCodes.State, await ProblemReason.Of(early, HttpStatusCode.Conflict));
        using (var byOfficer = await TryActAsync(Kr, "officer", caseRef, "confirm-deletion", new { note = "deleted" }))
            Assert.Equal(RequestRuleCodes.Role, await ProblemReason.Of(byOfficer, HttpStatusCode.Forbidden));

        await ActAsync(Kr, "supervisor", caseRef, "confirm-deletion", new { note = "subscriber.json deleted from the case file and the analysis store" });
        await PushAsync(Kr, Fr);

        Assert.Equal([(RequestEscalation.ArchivePoint, kr.Case.ClosedAt!.Value + archiveAfter)],
            RequestEscalation.DuePoints((await GetAsync(Kr, "officer", caseRef)).Case, NodeId.Parse("kr-knpa"), archiveAfter));
        var fr = await GetAsync(Fr, "case-handler", caseRef);
        Assert.Equal("urn:federation:person:kr-knpa:supervisor", fr.Case.Restriction!.DeletionConfirmedBy);
        Assert.Equal(RequestState.Closed, fr.Case.State);
        Assert.Equal(SharedState(await GetAsync(Kr, "officer", caseRef)), SharedState(fr));
        Assert.Equal(SharedHistory(await GetAsync(Kr, "officer", caseRef)), SharedHistory(fr));
        using (var archived = await dpo.PostAsync($"api/v1/requests/{caseRef}/archive", System.Net.Http.Json.JsonContent.Create(new { reason = "retention" })))
            Assert.Equal(HttpStatusCode.OK, archived.StatusCode);
        Assert.DoesNotContain(await InboxOrOutboxAsync(Kr, "officer", ""), l => l.CaseRef == caseRef.Value);

        // A second objection after archiving: the case returns to kr-knpa's working boxes until the deletion is confirmed,
        // and its officers and supervisors are told.
        await ActAsync(Fr, "supervisor", caseRef, "restrict", new { kind = "must-delete", reason = "A second authority objected" });
        await PushAsync(Fr, Kr);
        Assert.Contains(await InboxOrOutboxAsync(Kr, "officer", ""), l => l.CaseRef == caseRef.Value);
        await using var session = Kr.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
        var told = (await session.Events.FetchStreamAsync(RequestFile.Stream(caseRef))).Select(e => e.Data).OfType<RequestEscalated>()
            .Single(e => e.Escalation == CaseJournal.DeletionRequired && e.At >= kr.Case.ClosedAt);
        Assert.Contains("urn:federation:person:kr-knpa:supervisor", told.Notified);
    }

    [Fact]
    public async Task Incorrect_data_sent_either_way_is_rectified_the_recipients_people_are_told_and_the_supplier_asks_how_its_data_was_used()
    {
        var caseRef = await DeliveredAsync(Kr, Fr, RequestType.DiscloseSubscriber, "EU:2023/1543", Disclosure);

        // kr-knpa sent the wrong account: its supervisor sends the corrected details, a new version.
        var corrected = Disclosure with { Identifiers = [new TargetIdentifier("account", "uploader-4712")] };
        using (var byOfficer = await TryActAsync(Kr, "officer", caseRef, "rectify-request", new { reason = "Wrong account number", amended = corrected }))
            Assert.Equal(RequestRuleCodes.Role, await ProblemReason.Of(byOfficer, HttpStatusCode.Forbidden));
        await ActAsync(Kr, "supervisor", caseRef, "rectify-request", new { reason = "Wrong account number", amended = corrected });
        await PushAsync(Kr, Fr);
        var fr = await GetAsync(Fr, "case-handler", caseRef);
        Assert.Equal(("uploader-4712", 2, RequestState.Delivered), (fr.Case.Details.Identifiers![0].Value, fr.Case.Version, fr.Case.State));

        // fr-ofmin's response listed the wrong record: its supervisor sends the corrected manifest.
        await ActAsync(Fr, "case-handler", caseRef, "acknowledge", new { responderRef = "FR-RECT-1" });
        await ActAsync(Fr, "case-handler", caseRef, "accept");
        await ActAsync(Fr, "case-handler", caseRef, "respond", new
        {
            manifest = new { items = new[] { new { sha256 = new string('e', 64), size = 512, label = "subscriber.json", category = "subscriber" } } },
        });
        await ActAsync(Fr, "supervisor", caseRef, "rectify-response", new
        {
            reason = "The record of another subscriber was listed",
            manifest = new { items = new[] { new { sha256 = new string('f', 64), size = 498, label = "subscriber.json", category = "subscriber" } } },
        });
        await PushAsync(Fr, Kr);

        var kr = await GetAsync(Kr, "officer", caseRef);
        Assert.Equal(new string('f', 64), kr.Case.Manifest!.Items[0].Sha256);
        Assert.Equal([CaseSide.Requesting, CaseSide.Requested], kr.Case.Rectifications!.Select(r => r.Side));
        Assert.Equal(SharedState(kr), SharedState(await GetAsync(Fr, "case-handler", caseRef)));
        await using (var session = Kr.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession())
        {
            var told = (await session.Events.FetchStreamAsync(RequestFile.Stream(caseRef))).Select(e => e.Data).OfType<RequestEscalated>()
                .Single(e => e.Escalation == CaseJournal.Rectified);
            Assert.Contains("urn:federation:person:kr-knpa:officer", told.Notified);
        }
        await using (var session = Fr.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession())
        {
            var told = (await session.Events.FetchStreamAsync(RequestFile.Stream(caseRef))).Select(e => e.Data).OfType<RequestEscalated>()
                .Single(e => e.Escalation == CaseJournal.Rectified);
            Assert.Contains("urn:federation:person:fr-ofmin:case-handler", told.Notified);
        }

        // fr-ofmin, having supplied the record, asks how it was used; kr-knpa's officer explains (Budapest Art 28(4)).
        await ActAsync(Fr, "case-handler", caseRef, "ask-use", new { question = "Was the record used beyond this investigation?" });
        using (var again = await TryActAsync(Fr, "case-handler", caseRef, "ask-use", new { question = "And?" }))
            Assert.Equal(RequestRuleCodes.State, await ProblemReason.Of(again, HttpStatusCode.Conflict));
        await PushAsync(Fr, Kr);
        await ActAsync(Kr, "officer", caseRef, "explain-use", new { explanation = "Only to identify the uploader in KR-2026-0042" });
        await PushAsync(Kr, Fr);
        var explained = Assert.Single((await GetAsync(Fr, "case-handler", caseRef)).Case.UseQuestions!);
        Assert.Equal(("Only to identify the uploader in KR-2026-0042", "urn:federation:person:kr-knpa:officer"), (explained.Explanation, explained.ExplainedBy));
        Assert.Equal(SharedState(await GetAsync(Kr, "officer", caseRef)), SharedState(await GetAsync(Fr, "case-handler", caseRef)));
    }

    [Fact]
    public async Task A_case_stored_before_archiving_existed_still_shows_in_the_working_boxes()
    {
        var caseRef = (await DraftAsync(Kr, "officer", RequestType.Preserve, "BUDAPEST:29", "fr-ofmin", Preservation)).Case.Case;
        var schema = Kr.Services.GetRequiredService<Federation.Node.Hosting.NodeSettingsMonitor>().Current.Schema;
        await using (var cmd = Kr.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().CreateCommand(
            $"UPDATE {schema}.mt_doc_requestfile SET data = data - 'Archived' - 'archived' WHERE id = $1"))
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = caseRef.Value });
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        Assert.Contains(await InboxOrOutboxAsync(Kr, "officer", "?box=outbox"), l => l.CaseRef == caseRef.Value);
        Assert.DoesNotContain(await InboxOrOutboxAsync(Kr, "officer", "?box=outbox&archived=true"), l => l.CaseRef == caseRef.Value);
    }

    private static async Task<List<RequestDesk.RequestSummary>> InboxOrOutboxAsync(TestNode node, string person, string query)
    {
        using var client = Clients.DevPerson(node.NodeId, person, node);
        return (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<List<RequestDesk.RequestSummary>>(client, "api/v1/requests" + query, RequestJson.Options))!;
    }

    [Fact]
    public async Task An_auditor_attaches_a_signed_note_that_changes_nothing_and_stays_on_its_node_and_no_one_else_may()
    {
        var draft = await DraftAsync(Kr, "officer", RequestType.Preserve, "BUDAPEST:29", "fr-ofmin", Preservation);
        var caseRef = draft.Case.Case;
        await ActAsync(Kr, "officer", caseRef, "submit");
        await ActAsync(Kr, "supervisor", caseRef, "approve");
        await ActAsync(Kr, "officer", caseRef, "send");
        await PushAsync(Kr, Fr);

        using var auditor = Clients.DevPerson("kr-knpa", "auditor", Kr);
        using var noted = await auditor.PostAsync($"api/v1/requests/{caseRef}/audit-notes",
            System.Net.Http.Json.JsonContent.Create(new { finding = "Sent without a stated necessity" }));
        Assert.Equal(HttpStatusCode.OK, noted.StatusCode);
        var view = await GetAsync(Kr, "supervisor", caseRef);
        var finding = Assert.Single(view.Case.AuditFindings!);
        Assert.Null((await GetAsync(Kr, "officer", caseRef)).Case.AuditFindings); // findings are for auditors and supervisors
        Assert.Equal(("urn:federation:person:kr-knpa:auditor", "Sent without a stated necessity"), (finding.Auditor, finding.Finding));
        var note = view.History[^1];
        Assert.Equal(("audit-note", null, "auditor"), (note.Action, note.Seq, note.Role)); // signed, recorded, not shared
        Assert.Equal(RequestState.Delivered, view.Case.State);

        await PushAsync(Kr, Fr);
        var fr = await GetAsync(Fr, "case-handler", caseRef);
        Assert.Null(fr.Case.AuditFindings);
        Assert.DoesNotContain(fr.History, h => h.Action == "audit-note");
        Assert.Equal(SharedState(view), SharedState(fr));

        // An auditor takes no step; nobody else writes audit notes; a note says what was found.
        using (var withdraw = await TryActAsync(Kr, "auditor", caseRef, "withdraw", new { reason = "audit" }))
            Assert.Equal(RequestRuleCodes.Role, await ProblemReason.Of(withdraw, HttpStatusCode.Forbidden));
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        using (var byOfficer = await officer.PostAsync($"api/v1/requests/{caseRef}/audit-notes", System.Net.Http.Json.JsonContent.Create(new { finding = "fine" })))
            Assert.Equal(RequestRuleCodes.Role, await ProblemReason.Of(byOfficer, HttpStatusCode.Forbidden));
        using (var empty = await auditor.PostAsync($"api/v1/requests/{caseRef}/audit-notes", System.Net.Http.Json.JsonContent.Create(new { finding = " " })))
            Assert.Equal(RequestRuleCodes.ReasonRequired, await ProblemReason.Of(empty, HttpStatusCode.UnprocessableEntity));
        Assert.Single((await GetAsync(Kr, "auditor", caseRef)).Case.AuditFindings!);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_route_and_action_body()
    {
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);

        var document = await officer.GetStringAsync("openapi/v1.json");

        Assert.Contains("/api/v1/requests/{caseRef}/actions/{action}", document);
        Assert.Contains("/api/v1/requests/{caseRef}", document);
        foreach (var action in Federation.Node.Requests.RequestDesk.PersonActions) Assert.Contains(action, document);
        Assert.Contains("/api/v1/requests/{caseRef}/audit-notes", document);
        Assert.Contains("responderRef", document);
    }
}

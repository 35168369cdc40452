using Federation.Core.Identity;
using Federation.Core.Requests;
using Federation.Node.Requests;
using Federation.Node.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using static Federation.Node.Tests.Support.RequestSteps;

namespace Federation.Node.Tests;

/// <summary>
/// Escalation jobs on a fake clock, called directly (Hangfire's server is off in tests): reminder at 50 %, supervisor
/// and duty officers at 80 %, overdue at 100 % with a signed reminder the peer verifies and records.
/// </summary>
public sealed class RequestsEscalationTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    private TestNode Kr => nodes.Kr;
    private TestNode Fr => nodes.Fr;

    [Fact]
    public async Task Escalations_fire_at_50_80_and_100_percent_and_overdue_sends_a_signed_reminder()
    {
        var caseRef = await DeliveredAsync(Kr, Fr, RequestType.Preserve, "BUDAPEST:29", Preservation);
        var delivered = await GetAsync(Kr, "officer", caseRef);
        var receipt = delivered.Case.DeliveredAt!.Value;
        var clock = new FakeTimeProvider(receipt);
        var escalation = Kr.Services.GetRequiredService<RequestEscalation>();

        var points = RequestEscalation.DuePoints(delivered.Case, NodeId.Parse("kr-knpa"));
        Assert.Equal([("reminder", receipt.AddHours(12)), ("alert", receipt + TimeSpan.FromHours(24) * 0.8), ("overdue", receipt.AddHours(24))], points);
        Assert.Equal(3, await ScheduledJobsAsync(Kr, caseRef));

        clock.Advance(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(1));
        Assert.Null(await escalation.FireAsync(caseRef, "reminder", points[0].At, clock.GetUtcNow(), default));
        clock.Advance(TimeSpan.FromSeconds(1));
        var reminder = await escalation.FireAsync(caseRef, "reminder", points[0].At, clock.GetUtcNow(), default);
        Assert.Equal(["urn:federation:person:kr-knpa:officer"], reminder!.Notified);
        Assert.Null(await escalation.FireAsync(caseRef, "reminder", points[0].At, clock.GetUtcNow(), default)); // once only

        clock.SetUtcNow(points[1].At);
        var alert = await escalation.FireAsync(caseRef, "alert", points[1].At, clock.GetUtcNow(), default);
        Assert.Equal(["urn:federation:person:kr-knpa:duty-officer", "urn:federation:person:kr-knpa:supervisor"], alert!.Notified);

        clock.SetUtcNow(points[2].At);
        var overdue = await escalation.FireAsync(caseRef, "overdue", points[2].At, clock.GetUtcNow(), default);
        Assert.Contains("urn:federation:node:fr-ofmin", overdue!.Notified);
        Assert.Equal(points[2].At, (await GetAsync(Kr, "officer", caseRef)).DueAt); // overdue by the fake clock, not yet by the node's own
        await PushAsync(Kr, Fr);

        // fr-ofmin verified kr-knpa's signature on the reminder (the message kind's envelope checks) and recorded it on the case.
        await using var session = Fr.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(RequestFile.Stream(caseRef));
        var received = Assert.Single(events.Select(e => e.Data).OfType<RequestEscalated>());
        Assert.Equal("reminder-received", received.Escalation);
        Assert.Equal(points[2].At, received.DueAt);
    }

    [Fact]
    public async Task A_paused_clock_leaves_its_old_escalation_jobs_nothing_to_do()
    {
        var caseRef = await DeliveredAsync(Kr, Fr, RequestType.Preserve, "BUDAPEST:29", Preservation);
        var delivered = await GetAsync(Fr, "case-handler", caseRef);
        var points = RequestEscalation.DuePoints(delivered.Case, NodeId.Parse("fr-ofmin"));
        await ActAsync(Fr, "case-handler", caseRef, "acknowledge", new { responderRef = "FR-9" });
        await ActAsync(Fr, "case-handler", caseRef, "request-information", new { reason = "Which account?" });

        var escalation = Fr.Services.GetRequiredService<RequestEscalation>();
        Assert.Null(await escalation.FireAsync(caseRef, "overdue", points[2].At, points[2].At.AddDays(1), default));
        Assert.Empty(RequestEscalation.DuePoints((await GetAsync(Fr, "case-handler", caseRef)).Case, NodeId.Parse("fr-ofmin")));
    }

    [Fact]
    public async Task A_preservation_warns_before_expiry_and_expires_on_the_requested_node()
    {
        var caseRef = await DeliveredAsync(Kr, Fr, RequestType.Preserve, "BUDAPEST:29", Preservation);
        await ActAsync(Fr, "case-handler", caseRef, "acknowledge", new { responderRef = "FR-10" });
        await ActAsync(Fr, "case-handler", caseRef, "accept");
        var preserved = await ActAsync(Fr, "case-handler", caseRef, "preserve");
        var until = preserved.Case.PreservedUntil!.Value;

        var points = RequestEscalation.DuePoints(preserved.Case, NodeId.Parse("fr-ofmin"));
        Assert.Equal([(RequestEscalation.PreservationWarning, until.AddDays(-1)), (RequestEscalation.PreservationExpiry, until)], points);
        var escalation = Fr.Services.GetRequiredService<RequestEscalation>();
        var warning = await escalation.FireAsync(caseRef, RequestEscalation.PreservationWarning, points[0].At, points[0].At, default);
        Assert.Contains("urn:federation:person:fr-ofmin:case-handler", warning!.Notified);
        Assert.Null(await escalation.FireAsync(caseRef, RequestEscalation.PreservationExpiry, until, until.AddSeconds(-1), default));
        await escalation.FireAsync(caseRef, RequestEscalation.PreservationExpiry, until, until, default);

        await PushAsync(Fr, Kr);
        Assert.Equal(RequestState.Expired, (await GetAsync(Fr, "case-handler", caseRef)).Case.State);
        Assert.Equal(RequestState.Expired, (await GetAsync(Kr, "officer", caseRef)).Case.State);
    }

    [Fact]
    public async Task A_delivered_request_nobody_acknowledges_alerts_both_sides_after_two_days_and_an_acknowledged_one_does_not()
    {
        var caseRef = await DeliveredAsync(Kr, Fr, RequestType.DiscloseSubscriber, "EU:2023/1543", Disclosure);
        var fr = await GetAsync(Fr, "case-handler", caseRef);
        var due = fr.Case.DeliveredAt!.Value.AddDays(2); // normal priority; the response itself is due in 10 days

        Assert.Contains((RequestEscalation.AcknowledgementDue, due), RequestEscalation.DuePoints(fr.Case, NodeId.Parse("fr-ofmin")));
        var frEscalation = Fr.Services.GetRequiredService<RequestEscalation>();
        var alarm = await frEscalation.FireAsync(caseRef, RequestEscalation.AcknowledgementDue, due, due, default);
        Assert.Equal(["urn:federation:person:fr-ofmin:duty-officer", "urn:federation:person:fr-ofmin:supervisor"], alarm!.Notified);

        var krAlarm = await Kr.Services.GetRequiredService<RequestEscalation>().FireAsync(caseRef, RequestEscalation.AcknowledgementDue, due, due, default);
        Assert.Equal(["urn:federation:person:kr-knpa:officer"], krAlarm!.Notified); // the requesting officer is told too

        await ActAsync(Fr, "duty-officer", caseRef, "acknowledge", new { responderRef = "FR-ACK-1" });
        await PushAsync(Fr, Kr);
        var kr = await GetAsync(Kr, "officer", caseRef);
        Assert.DoesNotContain(RequestEscalation.DuePoints(kr.Case, NodeId.Parse("kr-knpa")), p => p.Point == RequestEscalation.AcknowledgementDue);
        Assert.Null(await Fr.Services.GetRequiredService<RequestEscalation>().FireAsync(caseRef, RequestEscalation.AcknowledgementDue, due, due.AddMinutes(1), default));
    }

    [Fact]
    public async Task A_closed_case_is_archived_by_each_node_when_its_retention_ends_and_leaves_the_working_boxes()
    {
        var caseRef = await DeliveredAsync(Kr, Fr, RequestType.Preserve, "BUDAPEST:29", Preservation);
        using var dpo = Clients.DevPerson("kr-knpa", "auditor", Kr);
        using (var notClosed = await dpo.PostAsync($"api/v1/requests/{caseRef}/archive", System.Net.Http.Json.JsonContent.Create(new { reason = "early" })))
            Assert.Equal(RequestRuleCodes.State, await ProblemReason.Of(notClosed, System.Net.HttpStatusCode.Conflict));
        await ActAsync(Kr, "supervisor", caseRef, "withdraw", new { reason = "Not needed" });
        var closed = await ActAsync(Kr, "officer", caseRef, "close", new { reason = "Withdrawn" });
        await PushAsync(Kr, Fr);

        // Each node schedules its own archiving: a year after closing by the dev nodes' default.
        var fr = await GetAsync(Fr, "case-handler", caseRef);
        var settings = Fr.Services.GetRequiredService<Federation.Node.Hosting.NodeSettingsMonitor>().Current;
        var at = closed.Case.ClosedAt!.Value + settings.ArchiveAfter;
        Assert.Equal([(RequestEscalation.ArchivePoint, at)], RequestEscalation.DuePoints(fr.Case, NodeId.Parse("fr-ofmin"), settings.ArchiveAfter));
        Assert.Equal(1, await ScheduledJobsAsync(Fr, caseRef, RequestEscalation.ArchivePoint));

        var escalation = Fr.Services.GetRequiredService<RequestEscalation>();
        Assert.Null(await escalation.FireAsync(caseRef, RequestEscalation.ArchivePoint, at, at.AddSeconds(-1), default));
        var fired = await escalation.FireAsync(caseRef, RequestEscalation.ArchivePoint, at, at, default);
        Assert.Equal(["urn:federation:person:fr-ofmin:auditor"], fired!.Notified);
        var archived = await GetAsync(Fr, "case-handler", caseRef);
        Assert.Equal(("urn:federation:node:fr-ofmin", RequestState.Closed), (archived.Case.Archived!.By, archived.Case.State));
        Assert.Equal(SharedState(archived), SharedState(await GetAsync(Kr, "officer", caseRef))); // kr-knpa's copy is its own business

        using var handler = Clients.DevPerson("fr-ofmin", "case-handler", Fr);
        var working = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<List<RequestDesk.RequestSummary>>(handler, "api/v1/requests", RequestJson.Options);
        Assert.DoesNotContain(working!, l => l.CaseRef == caseRef.Value);
        var old = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<List<RequestDesk.RequestSummary>>(handler, "api/v1/requests?archived=true", RequestJson.Options);
        Assert.Contains(old!, l => l.CaseRef == caseRef.Value);

        // On kr-knpa the data-protection officer archives it early; an officer may not.
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        using (var byOfficer = await officer.PostAsync($"api/v1/requests/{caseRef}/archive", System.Net.Http.Json.JsonContent.Create(new { reason = "tidy" })))
            Assert.Equal(RequestRuleCodes.Role, await ProblemReason.Of(byOfficer, System.Net.HttpStatusCode.Forbidden));
        using (var byDpo = await dpo.PostAsync($"api/v1/requests/{caseRef}/archive", System.Net.Http.Json.JsonContent.Create(new { reason = "File complete" })))
            Assert.Equal(System.Net.HttpStatusCode.OK, byDpo.StatusCode);
        Assert.Equal("urn:federation:person:kr-knpa:auditor", (await GetAsync(Kr, "officer", caseRef)).Case.Archived!.By);
    }

    /// <summary>Hangfire jobs waiting in the Scheduled state for this case: they are rows in PostgreSQL, so they survive a restart.</summary>
    private static async Task<long> ScheduledJobsAsync(TestNode node, CaseRef caseRef, string? point = null)
    {
        await using var cmd = node.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT count(*) FROM hangfire.job WHERE statename = 'Scheduled' AND arguments::text LIKE $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = point is null ? $"%{caseRef.Value}%" : $"%{caseRef.Value}%{point}%" });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

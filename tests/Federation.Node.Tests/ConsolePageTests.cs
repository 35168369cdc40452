using System.Net;
using System.Text.RegularExpressions;
using Federation.Core.Pki;
using Federation.Core.Requests;
using Federation.Node.Tests.Support;

namespace Federation.Node.Tests;

/// <summary>The web console on the agency port: the same certificate sign-in and role policies as the agency API, and
/// antiforgery on every form. The browser tests (tests/console) cover the screens; these cover the refusals.</summary>
public sealed partial class ConsolePageTests(ConsolePageTests.OneNode node) : IClassFixture<ConsolePageTests.OneNode>
{
    public sealed class OneNode : IAsyncLifetime
    {
        public TestNode Kr { get; } = new("kr-knpa");
        public TestNode Fr { get; } = new("fr-ofmin");

        /// <summary>kr-knpa and fr-ofmin, peered: requests need a peer, and a hit to start a request from needs a peer's entry.</summary>
        public async Task InitializeAsync()
        {
            Kr.Peers.Add(Fr);
            Fr.Peers.Add(Kr);
            await Task.WhenAll(Kr.StartAsync(), Fr.StartAsync());
        }

        public async Task DisposeAsync()
        {
            await Kr.DisposeAsync();
            await Fr.DisposeAsync();
        }
    }

    private TestNode Kr => node.Kr;
    private TestNode Fr => node.Fr;
    private const string PublishUrl = "console/lists/no-such-list/publish?handler=Publish";

    [Fact]
    public async Task An_officer_is_refused_the_audit_screen_with_a_403_page()
    {
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        using var response = await officer.GetAsync("console/audit");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Your role does not allow this", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var auditor = Clients.DevPerson("kr-knpa", "auditor", Kr);
        using var allowed = await auditor.GetAsync("console/audit");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("Why are you consulting this?", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_with_no_configured_role_gets_no_console_page()
    {
        var now = DateTimeOffset.UtcNow;
        using var visitor = Clients.IssueFrom("kr-knpa", CertificateProfile.Person, "urn:federation:person:kr-knpa:visitor", now.AddDays(-1), now.AddDays(3));
        using var client = Clients.With(visitor, Repo.CertsDev("kr-knpa", "ca.crt"), Kr.AgencyUrl);
        foreach (var page in new[] { "console", "console/lists", "console/federation", "console/assets/console.css" })
        {
            using var response = await client.GetAsync(page);
            Assert.Equal(RejectionReasons.PersonNotConfigured, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
        }
    }

    [Fact]
    public async Task A_supervisor_sees_no_publish_button_and_a_post_with_a_valid_token_is_refused_for_the_role()
    {
        using var supervisor = Clients.DevPerson("kr-knpa", "supervisor", Kr);
        var token = await TokenAsync(supervisor, "console/lists");
        using var lists = await supervisor.GetAsync("console/lists");
        Assert.DoesNotContain("/publish\"", await lists.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var response = await supervisor.PostAsync(PublishUrl, PublishForm(token));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_rejected_before_the_handler_runs()
    {
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        var token = await TokenAsync(officer, "console/lists");
        using var without = await officer.PostAsync(PublishUrl, PublishForm(null));
        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
        // Control: the same POST with the token reaches the publisher, which finds no such list.
        using var with = await officer.PostAsync(PublishUrl, PublishForm(token));
        Assert.Equal(HttpStatusCode.NotFound, with.StatusCode);
        Assert.Contains("list-not-found", await with.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dropped_files_need_the_token_in_the_header_and_a_role_that_may_match()
    {
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        var token = await TokenAsync(officer, "console/match");
        // The token in a form field is not looked at: reading the form would buffer the files.
        using var inField = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new ByteArrayContent([1, 2, 3]), "files", "a.bin" } };
        using var refused = await officer.PostAsync("console/match/files", inField);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        using var inHeader = new HttpRequestMessage(HttpMethod.Post, "console/match/files")
        {
            Content = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "files", "a.bin" } },
            Headers = { { "X-CSRF-TOKEN", token }, { "X-Justification", "console test" } },
        };
        using var accepted = await officer.SendAsync(inHeader);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("a.bin", await accepted.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var operatorClient = Clients.DevPerson("kr-knpa", "operator", Kr);
        using var forbidden = await operatorClient.GetAsync("console/match");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task An_officer_is_offered_no_approval_and_a_forged_approve_is_refused_by_the_request_rules()
    {
        var caseRef = (await RequestSteps.DraftAsync(Kr, "officer", RequestType.Preserve, "BUDAPEST:29", "fr-ofmin", RequestSteps.Preservation)).Case.Case;
        await RequestSteps.ActAsync(Kr, "officer", caseRef, "submit");

        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        var token = await TokenAsync(officer, $"console/requests/{caseRef}");
        using var opened = await officer.PostAsync($"console/requests/{caseRef}?handler=View",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["justification"] = "console test" }));
        var page = await opened.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Contains("in-review", page, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"approve\"", page, StringComparison.Ordinal);
        var visit = VisitField().Match(page).Groups[1].Value;

        using var forged = await officer.PostAsync($"console/requests/{caseRef}?handler=Act", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["visit"] = visit, ["action"] = "approve",
        }));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains(RequestRuleCodes.Role, await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(RequestState.InReview, (await RequestSteps.GetAsync(Kr, "officer", caseRef)).Case.State);

        using var supervisor = Clients.DevPerson("kr-knpa", "supervisor", Kr);
        var supervisorToken = await TokenAsync(supervisor, $"console/requests/{caseRef}");
        using var offered = await supervisor.PostAsync($"console/requests/{caseRef}?handler=View",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = supervisorToken, ["justification"] = "console test" }));
        Assert.Contains("value=\"approve\"", await offered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_auditor_is_offered_only_the_audit_note_and_the_note_shows_on_the_case()
    {
        var caseRef = (await RequestSteps.DraftAsync(Kr, "officer", RequestType.Preserve, "BUDAPEST:29", "fr-ofmin", RequestSteps.Preservation)).Case.Case;
        await RequestSteps.ActAsync(Kr, "officer", caseRef, "submit");

        using var auditor = Clients.DevPerson("kr-knpa", "auditor", Kr);
        var token = await TokenAsync(auditor, $"console/requests/{caseRef}");
        using var opened = await auditor.PostAsync($"console/requests/{caseRef}?handler=View",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["justification"] = "annual review" }));
        var page = await opened.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal(["audit-note"], ActionValue().Matches(page).Select(m => m.Groups[1].Value));
        var visit = VisitField().Match(page).Groups[1].Value;

        using var noted = await auditor.PostAsync($"console/requests/{caseRef}?handler=Act", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["visit"] = visit, ["action"] = "audit-note", ["finding"] = "Review date missing from the file",
        }));
        Assert.Equal(HttpStatusCode.OK, noted.StatusCode);
        Assert.Contains("Review date missing from the file", await noted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(RequestState.InReview, (await RequestSteps.GetAsync(Kr, "officer", caseRef)).Case.State);
    }

    [Fact]
    public async Task A_supervisor_sees_the_refusal_proposal_before_co_signing_it_and_the_proposer_is_not_offered_the_co_signature()
    {
        var caseRef = await RequestSteps.DeliveredAsync(Kr, Fr, RequestType.Preserve, "BUDAPEST:29", RequestSteps.Preservation);
        await RequestSteps.ActAsync(Fr, "case-handler", caseRef, "acknowledge", new { responderRef = "FR-C-1" });
        await RequestSteps.ActAsync(Fr, "case-handler", caseRef, "refuse", new { ground = "data-not-held", reasons = "Account deleted in March" });

        async Task<string> PageAsync(string person)
        {
            using var client = Clients.DevPerson("fr-ofmin", person, Fr);
            var token = await TokenAsync(client, $"console/requests/{caseRef}");
            using var opened = await client.PostAsync($"console/requests/{caseRef}?handler=View",
                new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["justification"] = "co-signature" }));
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
            return await opened.Content.ReadAsStringAsync();
        }

        var supervisor = await PageAsync("supervisor");
        Assert.Contains("data-testid=\"pending-refusal\"", supervisor, StringComparison.Ordinal);
        Assert.Contains("Account deleted in March", supervisor, StringComparison.Ordinal);
        Assert.Contains("co-sign-refusal", ActionValue().Matches(supervisor).Select(m => m.Groups[1].Value));
        Assert.DoesNotContain("co-sign-refusal", ActionValue().Matches(await PageAsync("case-handler")).Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task Archived_cases_leave_the_outbox_and_show_under_the_archived_filter()
    {
        var caseRef = await RequestSteps.SentAsync(Kr, Fr, RequestType.Preserve, "BUDAPEST:29", RequestSteps.Preservation);
        await RequestSteps.ActAsync(Kr, "supervisor", caseRef, "withdraw", new { reason = "Not needed" });
        await RequestSteps.ActAsync(Kr, "officer", caseRef, "close", new { reason = "Withdrawn" });
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        Assert.Contains(caseRef.Value, await officer.GetStringAsync("console/requests?box=outbox"), StringComparison.Ordinal);

        using var dpo = Clients.DevPerson("kr-knpa", "auditor", Kr);
        using (var archived = await dpo.PostAsync($"api/v1/requests/{caseRef}/archive", System.Net.Http.Json.JsonContent.Create(new { reason = "File complete" })))
            Assert.Equal(HttpStatusCode.OK, archived.StatusCode);

        Assert.DoesNotContain(caseRef.Value, await officer.GetStringAsync("console/requests?box=outbox"), StringComparison.Ordinal);
        Assert.Contains(caseRef.Value, await officer.GetStringAsync("console/requests?box=outbox&archived=true"), StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"action\" value=\"([^\"]+)\"")]
    private static partial Regex ActionValue();

    [Fact]
    public async Task An_officer_starts_a_takedown_request_from_a_hit_and_the_draft_carries_the_hash_reference()
    {
        var value = await PeerEntryOnKrAsync("hit-request");
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        var start = StartRequestLink().Match(await MatchHashAsync(officer, value));
        Assert.True(start.Success, "the officer's hit offers no 'Start a request'");
        var href = WebUtility.HtmlDecode(start.Groups[1].Value);

        // The form is addressed to the origin, as takedown assistance, with the reference attached and shown.
        using var form = await officer.GetAsync(href);
        var page = await form.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var reference = $"fr-ofmin/hit-request 1 sha256 {value}";
        Assert.Contains($"name=\"hashRefs\" value=\"{reference}\"", page, StringComparison.Ordinal);
        Assert.Contains("<option value=\"fr-ofmin\" selected=\"selected\">", page, StringComparison.Ordinal);
        Assert.Contains("<option value=\"takedown-assist\" selected=\"selected\">", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"hash-ref\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"identifiers\"", page, StringComparison.Ordinal); // the reference says what to look for

        var token = ConsoleForms.TokenIn(page);
        using var drafted = await officer.PostAsync(href, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["type"] = "takedown-assist", ["profile"] = "TAKEDOWN", ["priority"] = "normal",
            ["requestedNode"] = "fr-ofmin", ["hashRefs"] = reference, ["requesterRef"] = "KR-HIT-1",
            ["issuingAuthority"] = "KNPA Cyber Bureau", ["description"] = "Sexual deepfake of an identified victim",
            ["legalProvisions"] = "Act on Special Cases concerning Sexual Crimes, Art 14-2", ["illegalityBasis"] = "KCSC decision 2026-77",
            ["requestedAction"] = "remove",
        }));
        Assert.Equal(HttpStatusCode.OK, drafted.StatusCode); // after the redirect to the case
        var caseRef = CaseRef.Parse(drafted.RequestMessage!.RequestUri!.Segments[^1]);

        var view = await RequestSteps.GetAsync(Kr, "officer", caseRef);
        Assert.Equal((RequestType.TakedownAssist, "fr-ofmin", RequestState.Draft), (view.Case.Type, view.Case.RequestedNode.Value, view.Case.State));
        Assert.Equal(new HashReference("fr-ofmin/hit-request", 1, "sha256", value), Assert.Single(view.Case.Details.HashRefs!));

        using var opened = await officer.PostAsync($"console/requests/{caseRef}?handler=View",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["justification"] = "console test" }));
        var casePage = await opened.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"hash-ref\"", casePage, StringComparison.Ordinal);
        Assert.Contains($"<code>{value}</code>", casePage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_supervisor_sees_no_start_a_request_on_a_hit_and_is_refused_the_prefilled_form()
    {
        var value = await PeerEntryOnKrAsync("hit-supervisor");
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        var href = WebUtility.HtmlDecode(StartRequestLink().Match(await MatchHashAsync(officer, value)).Groups[1].Value);

        using var supervisor = Clients.DevPerson("kr-knpa", "supervisor", Kr);
        var page = await MatchHashAsync(supervisor, value);
        Assert.Contains("data-testid=\"origin\">fr-ofmin<", page, StringComparison.Ordinal); // the hit is there…
        Assert.DoesNotContain("start-request", page, StringComparison.Ordinal); // …with nothing to start
        using var refused = await supervisor.GetAsync(href);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task A_hash_reference_that_does_not_parse_is_refused_rather_than_dropped()
    {
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        using var response = await officer.GetAsync($"console/requests/new?type=takedown-assist&profile=TAKEDOWN&requestedNode=fr-ofmin&hashRefs={Uri.EscapeDataString("fr-ofmin/x 1 sha256 abc")}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>fr-ofmin publishes one SHA-256 entry on a new list, kr-knpa pulls it and can match it; returns the value.</summary>
    private async Task<string> PeerEntryOnKrAsync(string list)
    {
        var value = Clients.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(list));
        await ListSteps.CreateAsync(Fr, list, "all-peers");
        await ListSteps.PublishAsync(Fr, list, ListSteps.Csv($"sha256,{value},ncii"));
        Assert.Equal("ok", (await ListSteps.PullAsync(Kr, Fr)).Status);
        await MatchSteps.WaitForIndexAsync(Kr, "fr-ofmin", list, 1);
        return value;
    }

    /// <summary>The Match screen's results for one pasted SHA-256, as this person sees them.</summary>
    private static async Task<string> MatchHashAsync(HttpClient client, string value)
    {
        var token = await TokenAsync(client, "console/match");
        using var response = await client.PostAsync("console/match?handler=Hashes", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Justification"] = "console test: seized phone", ["Hashes"] = $"sha256 {value}",
        }));
        var page = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, page);
        return page;
    }

    [GeneratedRegex("<a href=\"([^\"]+)\" data-testid=\"start-request\"")]
    private static partial Regex StartRequestLink();

    [GeneratedRegex("name=\"visit\" value=\"([^\"]+)\"")]
    private static partial Regex VisitField();

    private static FormUrlEncodedContent PublishForm(string? token)
    {
        var csv = "signal,value,classification\nsha256,"u8.ToArray().Concat(System.Text.Encoding.ASCII.GetBytes(new string('a', 64) + ",ncii\n")).ToArray();
        var fields = new Dictionary<string, string>
        {
            ["Csv"] = Convert.ToBase64String(csv),
            ["CsvSha256"] = Clients.Sha256Hex(csv),
            ["ExpiresDays"] = "30",
        };
        if (token is not null) fields["__RequestVerificationToken"] = token;
        return new FormUrlEncodedContent(fields);
    }

    private static Task<string> TokenAsync(HttpClient client, string page) => ConsoleForms.TokenAsync(client, page);
}

using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Federation.Core.Requests;
using Federation.Node.Peers;
using Federation.Node.Security;
using Federation.Node.Tests.Support;

namespace Federation.Node.Tests;

/// <summary>
/// What a web page of another origin can make a person's browser send to the agency port, which presents her client
/// certificate whatever page asks: requests marked cross-site or same-site, a foreign <c>Origin</c>, and the
/// "simple" bodies a page sends without a CORS preflight (none, <c>text/plain</c>). Each is refused with its reason
/// and nothing is published or approved. The headers are set by hand here; tests/console/cross-site.test.mjs has
/// Chromium send them.
/// </summary>
public sealed partial class CrossSiteTests(CrossSiteTests.Node fixture) : IClassFixture<CrossSiteTests.Node>
{
    /// <summary>kr-knpa alone, with fr-ofmin configured as a peer (never started: drafts need a configured peer, nothing is sent).</summary>
    public sealed class Node : IAsyncLifetime
    {
        public TestNode Kr { get; } = new("kr-knpa");
        public Task InitializeAsync()
        {
            Kr.Peers.Add(new TestNode("fr-ofmin"));
            return Kr.StartAsync();
        }
        public Task DisposeAsync() => Kr.DisposeAsync().AsTask();
    }

    private TestNode Kr => fixture.Kr;

    private const string Csv = "signal,value,classification\nmd5,098f6bcd4621d373cade4e832627b4f6,deepfake-ncii\n";

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public async Task A_release_posted_from_another_site_is_refused_and_nothing_is_published(string site)
    {
        var list = $"xs-{site}";
        await ListSteps.CreateAsync(Kr, list, "all-peers");
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/lists/{list}/releases") { Content = CsvBody(Csv) };
        request.Headers.Add("Sec-Fetch-Site", site);
        using var response = await officer.SendAsync(request);
        Assert.Equal(CrossSiteGuard.CrossSiteRequest, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
        Assert.Equal(0, await ReleasesAsync(officer, list));
    }

    [Fact]
    public async Task A_release_posted_with_a_foreign_origin_is_refused()
    {
        await ListSteps.CreateAsync(Kr, "xs-origin", "all-peers");
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        foreach (var origin in new[] { "https://attacker.example", $"https://localhost:{Kr.AgencyPort + 1}", $"http://localhost:{Kr.AgencyPort}", "null" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/lists/xs-origin/releases") { Content = CsvBody(Csv) };
            request.Headers.Add("Origin", origin);
            using var response = await officer.SendAsync(request);
            Assert.Equal(CrossSiteGuard.CrossSiteRequest, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
        }
        Assert.Equal(0, await ReleasesAsync(officer, "xs-origin"));
    }

    [Fact]
    public async Task A_release_with_no_content_type_or_a_plain_text_one_is_refused()
    {
        await ListSteps.CreateAsync(Kr, "xs-type", "all-peers");
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        // What fetch(…, {mode: "no-cors", body: blob}) sends: a body with no Content-Type at all.
        var untyped = new ByteArrayContent(Encoding.UTF8.GetBytes(Csv));
        Assert.Null(untyped.Headers.ContentType);
        using (var response = await officer.PostAsync("api/v1/lists/xs-type/releases", untyped))
            Assert.Equal(CrossSiteGuard.ContentTypeUnsupported, await ProblemReason.Of(response, HttpStatusCode.UnsupportedMediaType));
        using (var response = await officer.PostAsync("api/v1/lists/xs-type/releases", new StringContent(Csv, Encoding.UTF8, "text/plain")))
            Assert.Equal(CrossSiteGuard.ContentTypeUnsupported, await ProblemReason.Of(response, HttpStatusCode.UnsupportedMediaType));
        using (var response = await officer.PostAsync("api/v1/lists/xs-type/releases", new FormUrlEncodedContent([new("signal,value,classification\nmd5", "x")])))
            Assert.Equal(CrossSiteGuard.ContentTypeUnsupported, await ProblemReason.Of(response, HttpStatusCode.UnsupportedMediaType));
        Assert.Equal(0, await ReleasesAsync(officer, "xs-type"));
    }

    [Fact]
    public async Task The_same_release_from_a_client_or_the_nodes_own_origin_is_published()
    {
        await ListSteps.CreateAsync(Kr, "xs-legit", "all-peers");
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        using (var plain = await officer.PostAsync("api/v1/lists/xs-legit/releases", CsvBody(Csv)))
            Assert.Equal(HttpStatusCode.Created, plain.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/lists/xs-legit/releases")
        {
            Content = CsvBody("signal,value,classification\nmd5,098f6bcd4621d373cade4e832627b4f6,-withdraw\n"),
        };
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        request.Headers.Add("Origin", $"https://localhost:{Kr.AgencyPort}");
        using (var fromOwnPage = await officer.SendAsync(request))
            Assert.Equal(HttpStatusCode.Created, fromOwnPage.StatusCode);
        Assert.Equal(2, await ReleasesAsync(officer, "xs-legit"));
    }

    [Fact]
    public async Task A_form_post_of_the_nodes_own_page_with_a_null_origin_is_not_taken_for_another_sites()
    {
        // The console's pages are served with Referrer-Policy: no-referrer, so Chromium sends "Origin: null" on their
        // form posts; Sec-Fetch-Site: same-origin says where they come from.
        await ListSteps.CreateAsync(Kr, "xs-null-origin", "all-peers");
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        using var ownPage = new HttpRequestMessage(HttpMethod.Post, "api/v1/lists/xs-null-origin/releases") { Content = CsvBody(Csv) };
        ownPage.Headers.Add("Sec-Fetch-Site", "same-origin");
        ownPage.Headers.Add("Origin", "null");
        using var noMetadata = new HttpRequestMessage(HttpMethod.Post, "api/v1/lists/xs-null-origin/releases") { Content = CsvBody(Csv) };
        noMetadata.Headers.Add("Origin", "null");

        using (var accepted = await officer.SendAsync(ownPage))
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        using var refused = await officer.SendAsync(noMetadata);

        Assert.Equal(CrossSiteGuard.CrossSiteRequest, await ProblemReason.Of(refused, HttpStatusCode.Forbidden));
        Assert.Equal(1, await ReleasesAsync(officer, "xs-null-origin"));
    }

    [Fact]
    public async Task An_approval_needs_a_json_body_and_the_nodes_own_origin()
    {
        var caseRef = (await RequestSteps.DraftAsync(Kr, "officer", RequestType.Preserve, "BUDAPEST:29", "fr-ofmin", RequestSteps.Preservation)).Case.Case;
        await RequestSteps.ActAsync(Kr, "officer", caseRef, "submit");
        using var supervisor = Clients.DevPerson("kr-knpa", "supervisor", Kr);
        var approve = $"api/v1/requests/{caseRef}/actions/approve";

        using (var noBody = await supervisor.PostAsync(approve, null))
            Assert.Equal(CrossSiteGuard.ContentTypeUnsupported, await ProblemReason.Of(noBody, HttpStatusCode.UnsupportedMediaType));
        using (var formPost = await supervisor.PostAsync(approve, new FormUrlEncodedContent([new("x", "y")])))
            Assert.Equal(CrossSiteGuard.ContentTypeUnsupported, await ProblemReason.Of(formPost, HttpStatusCode.UnsupportedMediaType));
        using (var request = new HttpRequestMessage(HttpMethod.Post, approve) { Content = Clients.EmptyJson() })
        {
            request.Headers.Add("Sec-Fetch-Site", "cross-site");
            using var crossSite = await supervisor.SendAsync(request);
            Assert.Equal(CrossSiteGuard.CrossSiteRequest, await ProblemReason.Of(crossSite, HttpStatusCode.Forbidden));
        }
        Assert.Equal(RequestState.InReview, (await RequestSteps.GetAsync(Kr, "supervisor", caseRef)).Case.State);

        using (var approved = await supervisor.PostAsync(approve, Clients.EmptyJson()))
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(RequestState.Approved, (await RequestSteps.GetAsync(Kr, "supervisor", caseRef)).Case.State);
    }

    [Fact]
    public async Task Operator_actions_without_a_body_still_declare_json()
    {
        using var op = Clients.DevPerson("kr-knpa", "operator", Kr);
        using (var bare = await op.PostAsync("api/v1/peers/refresh", null))
            Assert.Equal(CrossSiteGuard.ContentTypeUnsupported, await ProblemReason.Of(bare, HttpStatusCode.UnsupportedMediaType));
        using (var plain = await op.PostAsync("api/v1/peers/fr-ofmin/sync", new StringContent("{}", Encoding.UTF8, "text/plain")))
            Assert.Equal(CrossSiteGuard.ContentTypeUnsupported, await ProblemReason.Of(plain, HttpStatusCode.UnsupportedMediaType));
        using (var refreshed = await op.PostAsync("api/v1/peers/refresh", Clients.EmptyJson()))
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task A_request_the_person_opened_herself_is_served_and_one_from_another_site_is_not()
    {
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        foreach (var path in new[] { "api/v1/lists", "console" })
        {
            using var typed = new HttpRequestMessage(HttpMethod.Get, path);
            typed.Headers.Add("Sec-Fetch-Site", "none");
            using (var response = await officer.SendAsync(typed))
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var embedded = new HttpRequestMessage(HttpMethod.Get, path);
            embedded.Headers.Add("Sec-Fetch-Site", "cross-site");
            using (var response = await officer.SendAsync(embedded))
                Assert.Equal(CrossSiteGuard.CrossSiteRequest, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
        }
    }

    [Fact]
    public async Task The_hangfire_dashboard_takes_its_own_posts_and_refuses_them_from_another_site()
    {
        using var op = Clients.DevPerson("kr-knpa", "operator", Kr);
        using var page = await op.GetAsync("hangfire/recurring");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var header = HangfireMeta().Match(html);
        Assert.True(header.Success, "the dashboard page carries no antiforgery header name");
        var token = ConsoleForms.TokenIn(html);
        Assert.NotEmpty(token);

        HttpRequestMessage Trigger(string? withToken, string? site)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "hangfire/recurring/trigger")
            {
                Content = new FormUrlEncodedContent([new("jobs[]", PeerRefreshJob.Id)]),
            };
            if (withToken is not null) request.Headers.Add(header.Groups[1].Value, withToken);
            if (site is not null) request.Headers.Add("Sec-Fetch-Site", site);
            return request;
        }

        using (var request = Trigger(token, "cross-site"))
        using (var crossSite = await op.SendAsync(request))
            Assert.Equal(CrossSiteGuard.CrossSiteRequest, await ProblemReason.Of(crossSite, HttpStatusCode.Forbidden));
        using (var request = Trigger(null, "same-origin"))
        using (var noToken = await op.SendAsync(request))
            Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        // The dashboard's own button: its token and the antiforgery cookie, which must reach /hangfire.
        using (var request = Trigger(token, "same-origin"))
        using (var own = await op.SendAsync(request))
            Assert.Equal(HttpStatusCode.NoContent, own.StatusCode);
    }

    [Fact]
    public async Task The_federation_port_ignores_fetch_metadata()
    {
        using var fr = Clients.DevNodeClient("fr-ofmin", Kr);
        using var request = new HttpRequestMessage(HttpMethod.Get, "federation/v1/node");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        request.Headers.Add("Origin", "https://attacker.example");
        using var response = await fr.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static StringContent CsvBody(string csv) => new(csv, Encoding.UTF8, "text/csv");

    private static async Task<int> ReleasesAsync(HttpClient client, string list)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync($"api/v1/lists/kr-knpa/{list}/releases"));
        return doc.RootElement.GetArrayLength();
    }

    [GeneratedRegex("<meta name=\"csrf-header\" content=\"([^\"]+)\">")]
    private static partial Regex HangfireMeta();
}

using System.Net;
using System.Text.Json;
using Federation.Core.Pki;
using Federation.Node.Tests.Support;

namespace Federation.Node.Tests;

/// <summary>People of this agency on the agency port: their CA only, roles from configuration.</summary>
public sealed class AgencyPortTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    private TestNode Kr => nodes.Kr;

    [Fact]
    public async Task Refuses_a_peer_node_certificate_on_the_agency_port()
    {
        using var client = Clients.DevNodeClient("fr-ofmin", Kr, agencyPort: true);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("api/v1/peers"));
        Assert.True(await Kr.Logs.WaitForAsync(RejectionReasons.ChainUntrusted, "fr-ofmin node client"), "no chain-untrusted refusal was logged");
    }

    [Fact]
    public async Task Refuses_this_nodes_own_node_certificate_as_a_person()
    {
        using var client = Clients.DevNodeClient("kr-knpa", Kr, agencyPort: true);
        using var response = await client.GetAsync("api/v1/peers");
        Assert.Equal(RejectionReasons.NotAPerson, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task Refuses_a_person_with_no_configured_role()
    {
        var now = DateTimeOffset.UtcNow;
        using var visitor = Clients.IssueFrom("kr-knpa", CertificateProfile.Person, "urn:federation:person:kr-knpa:visitor", now.AddDays(-1), now.AddDays(3));
        using var client = Clients.With(visitor, Repo.CertsDev("kr-knpa", "ca.crt"), Kr.AgencyUrl);
        using var response = await client.GetAsync("api/v1/peers");
        Assert.Equal(RejectionReasons.PersonNotConfigured, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task An_officer_reads_peers_but_may_not_trigger_a_refresh()
    {
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        using var list = await officer.GetAsync("api/v1/peers");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var refresh = await officer.PostAsync("api/v1/peers/refresh", Clients.EmptyJson());
        Assert.Equal("role-required", await ProblemReason.Of(refresh, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task The_hangfire_dashboard_is_for_operators_only()
    {
        using var op = Clients.DevPerson("kr-knpa", "operator", Kr);
        using var allowed = await op.GetAsync("hangfire");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        using var refused = await officer.GetAsync("hangfire");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_agency_api_only()
    {
        using var auditor = Clients.DevPerson("kr-knpa", "auditor", Kr);
        using var doc = JsonDocument.Parse(await auditor.GetStringAsync("openapi/v1.json"));
        var paths = doc.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/peers", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/federation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Health_and_readiness_answer_on_the_local_port_only()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Kr.HealthPort}/") };
        Assert.Equal("ok\n", await http.GetStringAsync("healthz"));
        Assert.Equal("ready\n", await http.GetStringAsync("readyz"));
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        using var notHere = await officer.GetAsync("readyz");
        Assert.Equal("not-on-this-port", await ProblemReason.Of(notHere, HttpStatusCode.NotFound));
    }
}

using System.Net;
using Federation.Core.Pki;
using Federation.Node.Tests.Support;

namespace Federation.Node.Tests;

/// <summary>Who may call the federation port, each refusal asserted by its reason.</summary>
public sealed class FederationPortTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    private TestNode Kr => nodes.Kr;

    [Fact]
    public async Task Configured_peer_with_its_own_certificate_is_served()
    {
        using var client = Clients.DevNodeClient("fr-ofmin", Kr);
        using var response = await client.GetAsync("federation/v1/node");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Refuses_a_request_without_client_certificate()
    {
        using var client = Clients.With(null, Repo.CertsDev("kr-knpa", "ca.crt"), Kr.FederationUrl);
        using var response = await client.GetAsync("federation/v1/node");
        Assert.Equal(RejectionReasons.CertificateMissing, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task Refuses_a_rogue_ca_with_the_same_dn_claiming_to_be_the_peer()
    {
        using var rogue = Clients.IssueFromRogueTwin("fr-ofmin", CertificateProfile.NodeClient, "urn:federation:node:fr-ofmin");
        using var client = Clients.With(rogue, Repo.CertsDev("kr-knpa", "ca.crt"), Kr.FederationUrl);
        // Refused at the handshake: the client sees the connection close, never a response.
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("federation/v1/node"));
        Assert.True(await Kr.Logs.WaitForAsync(RejectionReasons.ChainUntrusted, "rogue"), "no chain-untrusted refusal was logged");
    }

    [Fact]
    public async Task Refuses_a_server_auth_only_certificate_used_as_client()
    {
        using var tlsOnly = PemFiles.LoadWithKey(Repo.CertsDev("fr-ofmin", "node-tls.crt"), Repo.CertsDev("fr-ofmin", "node-tls.key"));
        using var client = Clients.With(tlsOnly, Repo.CertsDev("kr-knpa", "ca.crt"), Kr.FederationUrl);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("federation/v1/node"));
        Assert.True(await Kr.Logs.WaitForAsync(RejectionReasons.WrongUsage, "fr-ofmin node TLS"), "no wrong-usage refusal was logged");
    }

    [Fact]
    public async Task Refuses_an_expired_certificate_of_the_peer()
    {
        var now = DateTimeOffset.UtcNow;
        using var expired = Clients.IssueFrom("fr-ofmin", CertificateProfile.NodeClient, "urn:federation:node:fr-ofmin", now.AddDays(-30), now.AddDays(-1));
        using var client = Clients.With(expired, Repo.CertsDev("kr-knpa", "ca.crt"), Kr.FederationUrl);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("federation/v1/node"));
        Assert.True(await Kr.Logs.WaitForAsync(RejectionReasons.NotTimeValid, "urn:federation:node:fr-ofmin"), "no not-time-valid refusal was logged");
    }

    [Fact]
    public async Task Refuses_a_valid_certificate_whose_uri_names_no_configured_peer()
    {
        var now = DateTimeOffset.UtcNow;
        using var stranger = Clients.IssueFrom("fr-ofmin", CertificateProfile.NodeClient, "urn:federation:node:de-bka", now.AddDays(-1), now.AddDays(30));
        using var client = Clients.With(stranger, Repo.CertsDev("kr-knpa", "ca.crt"), Kr.FederationUrl);
        using var response = await client.GetAsync("federation/v1/node");
        Assert.Equal(RejectionReasons.PeerNotConfigured, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task Refuses_a_peer_identity_issued_by_another_peers_ca()
    {
        // nl-police's CA is trusted on this port, but only for nl-police: it cannot vouch for fr-ofmin.
        var now = DateTimeOffset.UtcNow;
        using var impostor = Clients.IssueFrom("nl-police", CertificateProfile.NodeClient, "urn:federation:node:fr-ofmin", now.AddDays(-1), now.AddDays(30));
        using var client = Clients.With(impostor, Repo.CertsDev("kr-knpa", "ca.crt"), Kr.FederationUrl);
        using var response = await client.GetAsync("federation/v1/node");
        Assert.Equal(RejectionReasons.ChainUntrusted, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task Refuses_a_person_certificate_on_the_federation_port()
    {
        using var officer = PemFiles.LoadWithKey(Repo.CertsDev("fr-ofmin", "officer.crt"), Repo.CertsDev("fr-ofmin", "officer.key"));
        using var client = Clients.With(officer, Repo.CertsDev("kr-knpa", "ca.crt"), Kr.FederationUrl);
        using var response = await client.GetAsync("federation/v1/node");
        Assert.Equal(RejectionReasons.NoNodeIdentity, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task Agency_paths_are_not_served_on_the_federation_port()
    {
        using var client = Clients.DevNodeClient("fr-ofmin", Kr);
        using var response = await client.GetAsync("api/v1/peers");
        Assert.Equal("not-on-this-port", await ProblemReason.Of(response, HttpStatusCode.NotFound));
    }
}

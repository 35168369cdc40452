using System.Net;
using System.Text.Json.Nodes;
using Federation.Core.Pki;
using Federation.Node.Tests.Support;

namespace Federation.Node.Tests;

/// <summary>Identity is re-checked on every request: configuration reloads and CRLs take effect at once.</summary>
public sealed class ReloadAndRevocationTests
{
    [Fact]
    public async Task A_peer_removed_by_configuration_reload_is_refused_on_the_same_open_connection()
    {
        await using var kr = new TestNode("kr-knpa");
        var fr = new TestNode("fr-ofmin");
        kr.Peers.Add(fr);
        await kr.StartAsync();

        var connections = 0;
        using var client = Clients.With(PemFiles.LoadWithKey(Repo.CertsDev("fr-ofmin", "node-client.crt"), Repo.CertsDev("fr-ofmin", "node-client.key")),
            Repo.CertsDev("kr-knpa", "ca.crt"), kr.FederationUrl, h =>
            {
                h.MaxConnectionsPerServer = 1;
                h.PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5);
                h.ConnectCallback = async (ctx, ct) =>
                {
                    Interlocked.Increment(ref connections);
                    var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(ctx.DnsEndPoint, ct);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                };
            });

        using (var before = await client.GetAsync("federation/v1/node"))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await kr.ReconfigureAsync(c => c["Node"]!["Peers"] = new JsonArray());

        using var after = await client.GetAsync("federation/v1/node");
        Assert.Equal(RejectionReasons.PeerNotConfigured, await ProblemReason.Of(after, HttpStatusCode.Forbidden));
        Assert.Equal(1, connections); // the same keep-alive connection served both requests
    }

    [Fact]
    public async Task A_certificate_on_the_configured_crl_is_refused_and_an_unrevoked_one_is_served()
    {
        var now = DateTimeOffset.UtcNow;
        using var revoked = Clients.IssueFrom("fr-ofmin", CertificateProfile.NodeClient, "urn:federation:node:fr-ofmin", now.AddDays(-1), now.AddDays(30));
        using var good = Clients.IssueFrom("fr-ofmin", CertificateProfile.NodeClient, "urn:federation:node:fr-ofmin", now.AddDays(-1), now.AddDays(30));
        var crlPath = Path.Combine(Path.GetTempPath(), $"fr-{Guid.NewGuid():N}.crl");
        using (var ca = PemFiles.LoadWithKey(Repo.CertsDev("fr-ofmin", "ca.crt"), Repo.CertsDev("fr-ofmin", "ca.key")))
            await File.WriteAllBytesAsync(crlPath, new CertificateIssuer(ca).BuildCrl([revoked], 1, now.AddMinutes(-1), now.AddDays(1)));

        var fr = new TestNode("fr-ofmin");
        await using var kr = new TestNode("kr-knpa") { Customize = c => c["Node"]!["Peers"]![0]!["Crl"] = crlPath };
        kr.Peers.Add(fr);
        await kr.StartAsync();
        try
        {
            using var refused = Clients.With(revoked, Repo.CertsDev("kr-knpa", "ca.crt"), kr.FederationUrl);
            using var r1 = await refused.GetAsync("federation/v1/node");
            Assert.Equal(RejectionReasons.Revoked, await ProblemReason.Of(r1, HttpStatusCode.Forbidden));

            using var served = Clients.With(good, Repo.CertsDev("kr-knpa", "ca.crt"), kr.FederationUrl);
            using var r2 = await served.GetAsync("federation/v1/node");
            Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        }
        finally
        {
            File.Delete(crlPath);
        }
    }

    [Fact]
    public async Task A_crl_fetched_from_its_distribution_point_is_honoured()
    {
        var now = DateTimeOffset.UtcNow;
        using var revoked = Clients.IssueFrom("fr-ofmin", CertificateProfile.NodeClient, "urn:federation:node:fr-ofmin", now.AddDays(-1), now.AddDays(30));
        using var good = Clients.IssueFrom("fr-ofmin", CertificateProfile.NodeClient, "urn:federation:node:fr-ofmin", now.AddDays(-1), now.AddDays(30));
        byte[] crl;
        using (var ca = PemFiles.LoadWithKey(Repo.CertsDev("fr-ofmin", "ca.crt"), Repo.CertsDev("fr-ofmin", "ca.key")))
            crl = new CertificateIssuer(ca).BuildCrl([revoked], 2, now.AddMinutes(-1), now.AddDays(1));
        var port = FreePorts.Next();
        using var server = new System.Net.HttpListener();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        _ = Task.Run(async () =>
        {
            while (server.IsListening)
            {
                var ctx = await server.GetContextAsync();
                await ctx.Response.OutputStream.WriteAsync(crl);
                ctx.Response.Close();
            }
        });

        var fr = new TestNode("fr-ofmin");
        await using var kr = new TestNode("kr-knpa") { Customize = c => c["Node"]!["Peers"]![0]!["Crl"] = $"http://127.0.0.1:{port}/fr.crl" };
        kr.Peers.Add(fr);
        await kr.StartAsync();
        Assert.True(await kr.Logs.WaitForAsync("Fetched the CRL", "1 revoked"), "the CRL was not fetched");

        using var refused = Clients.With(revoked, Repo.CertsDev("kr-knpa", "ca.crt"), kr.FederationUrl);
        using var r1 = await refused.GetAsync("federation/v1/node");
        Assert.Equal(RejectionReasons.Revoked, await ProblemReason.Of(r1, HttpStatusCode.Forbidden));
        using var served = Clients.With(good, Repo.CertsDev("kr-knpa", "ca.crt"), kr.FederationUrl);
        using var r2 = await served.GetAsync("federation/v1/node");
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
    }

    [Fact]
    public async Task Until_a_configured_crl_has_been_fetched_the_peer_is_refused()
    {
        var unreachable = $"http://127.0.0.1:{FreePorts.Next()}/fr.crl"; // nothing listens there
        var fr = new TestNode("fr-ofmin");
        await using var kr = new TestNode("kr-knpa") { Customize = c => c["Node"]!["Peers"]![0]!["Crl"] = unreachable };
        kr.Peers.Add(fr);
        await kr.StartAsync();

        using var client = Clients.DevNodeClient("fr-ofmin", kr);
        using var response = await client.GetAsync("federation/v1/node");
        Assert.Equal(RejectionReasons.CrlUnavailable, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
    }
}

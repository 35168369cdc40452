using System.Net;
using System.Text.Json.Nodes;
using Federation.Core.Pki;
using Federation.Node.Hosting;
using Federation.Node.Peers;
using Federation.Node.Security;
using Federation.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

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
    public async Task A_slow_distribution_point_times_out_without_holding_back_another_cas_crl()
    {
        var now = DateTimeOffset.UtcNow;
        using var slow = new CrlDistributionPoint(); // kr-knpa's own CA: answers nothing
        using var fast = new CrlDistributionPoint { Serve = CrlDistributionPoint.Bytes(Crl("fr-ofmin", [], 1, now)) };
        var fr = new TestNode("fr-ofmin");
        await using var kr = new TestNode("kr-knpa")
        {
            Customize = c =>
            {
                c["Node"]!["Certificates"]!["Crl"] = slow.Url;
                c["Node"]!["Certificates"]!["CrlFetchTimeoutSeconds"] = 3;
                c["Node"]!["Peers"]![0]!["Crl"] = fast.Url;
            },
        };
        kr.Peers.Add(fr);
        await kr.StartAsync();

        Assert.True(await kr.Logs.WaitForAsync("Refused the CRL of CN=kr-knpa", RejectionReasons.CrlTimeout), "the slow fetch was not bounded by CrlFetchTimeoutSeconds");
        var lines = kr.Logs.Lines.ToList();
        var fetched = lines.FindIndex(l => l.Contains("Fetched the CRL of CN=fr-ofmin", StringComparison.Ordinal));
        var timedOut = lines.FindIndex(l => l.Contains(RejectionReasons.CrlTimeout, StringComparison.Ordinal));
        Assert.InRange(fetched, 0, timedOut - 1); // fr-ofmin's CRL was in before kr-knpa's fetch gave up

        using var peer = Clients.DevNodeClient("fr-ofmin", kr);
        using var served = await peer.GetAsync("federation/v1/node");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        using var person = Clients.DevPerson("kr-knpa", "operator", kr);
        using var refused = await person.GetAsync("api/v1/peers");
        Assert.Equal(RejectionReasons.CrlUnavailable, await ProblemReason.Of(refused, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task A_crl_over_the_size_limit_is_refused_even_without_a_declared_length()
    {
        using var revoked = Clients.IssueFrom("fr-ofmin", CertificateProfile.NodeClient, "urn:federation:node:fr-ofmin", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var big = Crl("fr-ofmin", Enumerable.Repeat(revoked, 1).ToList(), 1, DateTimeOffset.UtcNow);
        var padded = big.Concat(new byte[4096]).ToArray(); // over the limit before the parser ever sees it
        using var dp = new CrlDistributionPoint { Serve = CrlDistributionPoint.Bytes(padded, chunked: true) };
        var fr = new TestNode("fr-ofmin");
        await using var kr = new TestNode("kr-knpa")
        {
            Customize = c =>
            {
                c["Node"]!["Certificates"]!["CrlMaxBytes"] = 2048;
                c["Node"]!["Peers"]![0]!["Crl"] = dp.Url;
            },
        };
        kr.Peers.Add(fr);
        await kr.StartAsync();

        Assert.True(await kr.Logs.WaitForAsync("Refused the CRL of CN=fr-ofmin", RejectionReasons.CrlTooLarge), "the oversized CRL was not refused for its size");
        using var client = Clients.DevNodeClient("fr-ofmin", kr);
        using var response = await client.GetAsync("federation/v1/node");
        Assert.Equal(RejectionReasons.CrlUnavailable, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task An_older_crl_replayed_is_refused_and_stays_refused_after_a_restart()
    {
        var now = DateTimeOffset.UtcNow;
        using var revoked = Clients.IssueFrom("fr-ofmin", CertificateProfile.NodeClient, "urn:federation:node:fr-ofmin", now.AddDays(-1), now.AddDays(30));
        using var dp = new CrlDistributionPoint { Serve = CrlDistributionPoint.Bytes(Crl("fr-ofmin", [revoked], 5, now.AddMinutes(-1))) };
        var fr = new TestNode("fr-ofmin");
        await using var kr = new TestNode("kr-knpa") { Customize = c => c["Node"]!["Peers"]![0]!["Crl"] = dp.Url };
        kr.Peers.Add(fr);
        await kr.StartAsync();
        Assert.True(await kr.Logs.WaitForAsync("Fetched the CRL of CN=fr-ofmin", "number 5"), "CRL 5 was not fetched");

        // The distribution point (or whoever answers for it) now serves number 4, issued later, without the revocation.
        dp.Serve = CrlDistributionPoint.Bytes(Crl("fr-ofmin", [], 4, now));
        await kr.Services.GetRequiredService<CrlFetcher>().FetchAllAsync(CancellationToken.None);
        Assert.Contains(kr.Logs.Lines, l => l.Contains(RejectionReasons.CrlNotNewer, StringComparison.Ordinal) && l.Contains("held number 5", StringComparison.Ordinal));
        await AssertRevoked();

        await kr.StopAsync();
        await kr.StartAsync();
        await kr.Services.GetRequiredService<CrlFetcher>().FetchAllAsync(CancellationToken.None);
        Assert.Contains(kr.Logs.Lines, l => l.Contains("Restored the held CRL of CN=fr-ofmin", StringComparison.Ordinal) && l.Contains("number 5", StringComparison.Ordinal));
        await AssertRevoked();

        async Task AssertRevoked()
        {
            using var client = Clients.With(revoked, Repo.CertsDev("kr-knpa", "ca.crt"), kr.FederationUrl);
            using var response = await client.GetAsync("federation/v1/node");
            Assert.Equal(RejectionReasons.Revoked, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
        }
    }

    [Fact]
    public async Task Outgoing_tls_refuses_a_peer_whose_server_certificate_was_revoked_since_the_first_connection()
    {
        var now = DateTimeOffset.UtcNow;
        using var dp = new CrlDistributionPoint { Serve = CrlDistributionPoint.Bytes(Crl("fr-ofmin", [], 1, now.AddMinutes(-1))) };
        var kr = new TestNode("kr-knpa") { Customize = c => c["Node"]!["Peers"]![0]!["Crl"] = dp.Url };
        var fr = new TestNode("fr-ofmin");
        kr.Peers.Add(fr);
        fr.Peers.Add(kr);
        await using (kr)
        await using (fr)
        {
            await Task.WhenAll(kr.StartAsync(), fr.StartAsync());
            Assert.True(await kr.Logs.WaitForAsync("Fetched the CRL of CN=fr-ofmin", "number 1"), "CRL 1 was not fetched");
            var monitor = kr.Services.GetRequiredService<PeerMonitor>();
            PeerSettings Fr() => kr.Services.GetRequiredService<NodeSettingsMonitor>().Current.Peers[Federation.Core.Identity.NodeId.Parse("fr-ofmin")];

            var before = await monitor.RefreshAsync(Fr(), CancellationToken.None);
            Assert.Null(before.LastError);

            using var frTls = PemFiles.LoadCertificate(Repo.CertsDev("fr-ofmin", "node-tls.crt"));
            dp.Serve = CrlDistributionPoint.Bytes(Crl("fr-ofmin", [frTls], 2, now));
            await kr.Services.GetRequiredService<CrlFetcher>().FetchAllAsync(CancellationToken.None);

            var after = await monitor.RefreshAsync(Fr(), CancellationToken.None);
            Assert.NotNull(after.LastError);
            Assert.True(await kr.Logs.WaitForAsync("Refused server certificate of peer fr-ofmin", RejectionReasons.Revoked), "the revoked server certificate was not refused");
        }
    }

    private static byte[] Crl(string node, IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> revoked, int number, DateTimeOffset thisUpdate)
    {
        using var ca = PemFiles.LoadWithKey(Repo.CertsDev(node, "ca.crt"), Repo.CertsDev(node, "ca.key"));
        return new CertificateIssuer(ca).BuildCrl(revoked, number, thisUpdate, thisUpdate.AddDays(1));
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

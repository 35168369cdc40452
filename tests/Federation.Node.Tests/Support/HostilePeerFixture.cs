using System.Net;
using System.Text.Json.Nodes;
using Federation.Core.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Federation.Node.Tests.Support;

/// <summary>
/// kr-knpa, a real node, whose peer fr-ofmin is a hostile host: Kestrel on 127.0.0.1 with fr-ofmin's real TLS
/// certificate from certs-dev (so kr-knpa's pin on fr-ofmin's CA and node id passes) serving whatever
/// <see cref="Serve"/> says. kr-knpa runs with small bounds, so each breach shows within seconds.
/// </summary>
public sealed class HostilePeerFixture : IAsyncLifetime
{
    public const int IdleReadSeconds = 1;
    public const int PullTimeoutSeconds = 4;
    public const long MaxObjectBytes = 1L << 20;
    public const long MaxFeedPageBytes = 64 * 1024;
    public const int UnhealthyAfterFailures = 2;
    public const int MaxConnectionsPerPort = 20;
    public const int MaxConnectionsPerAddress = 10;
    public const int KeepAliveSeconds = 3;

    private readonly TestNode _fr = new("fr-ofmin"); // never started: its port and name are the hostile host's
    private WebApplication? _hostile;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when the fixture is torn down, so no hostile answer outlives the tests.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public TestNode Kr { get; } = new("kr-knpa")
    {
        Customize = c =>
        {
            var node = c["Node"]!.AsObject();
            node["Sync"] = new JsonObject
            {
                ["IdleReadSeconds"] = IdleReadSeconds,
                ["PullTimeoutSeconds"] = PullTimeoutSeconds,
                ["MaxObjectBytes"] = MaxObjectBytes,
                ["MaxFeedPageBytes"] = MaxFeedPageBytes,
                ["UnhealthyAfterFailures"] = UnhealthyAfterFailures,
            };
            node["Limits"] = new JsonObject
            {
                ["MaxConnectionsPerPort"] = MaxConnectionsPerPort,
                ["MaxConnectionsPerAddress"] = MaxConnectionsPerAddress,
                ["KeepAliveSeconds"] = KeepAliveSeconds,
            };
        },
    };

    /// <summary>What the hostile peer answers; a test sets it before it pulls.</summary>
    public Func<HttpContext, Task> Serve { get; set; } = ctx => { ctx.Response.StatusCode = 404; return Task.CompletedTask; };

    /// <summary>Requests the hostile peer has seen, by path.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> Hits { get; } = new();

    public async Task InitializeAsync()
    {
        Kr.Peers.Add(_fr);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var tls = PemFiles.LoadWithKey(Repo.CertsDev("fr-ofmin", "node-tls.crt"), Repo.CertsDev("fr-ofmin", "node-tls.key"));
        builder.WebHost.ConfigureKestrel(k =>
        {
            // The attacker trickles on purpose: its own server must not cut it off.
            k.Limits.MinResponseDataRate = null;
            k.Listen(IPAddress.Loopback, _fr.FederationPort, lo => lo.UseHttps(tls));
        });
        _hostile = builder.Build();
        _hostile.Run(ctx =>
        {
            Hits.AddOrUpdate(ctx.Request.Path, 1, (_, n) => n + 1);
            return Serve(ctx);
        });
        await _hostile.StartAsync();
        await Kr.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Kr.DisposeAsync();
        if (_hostile is not null)
        {
            await _hostile.StopAsync();
            await _hostile.DisposeAsync();
        }
        _stopping.Dispose();
    }
}

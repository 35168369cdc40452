using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Federation.Core.Pki;
using Federation.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Npgsql;

namespace Federation.Benchmarks.Sync;

/// <summary>
/// A real node in the benchmark process: Kestrel with TLS on loopback, the certs-dev identity of <see cref="NodeId"/>,
/// a throw-away database (owner and application role both the admin of FEDERATION_BENCH_DB), Hangfire off.
/// </summary>
internal sealed class BenchNode(string nodeId, string admin) : IAsyncDisposable
{
    private WebApplication? _app;
    private readonly string _database = "bench_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"fed-bench-{nodeId}-{Guid.NewGuid():N}.json");

    public string NodeId => nodeId;
    public int FederationPort { get; } = FreePort();
    public int AgencyPort { get; } = FreePort();
    public int HealthPort { get; } = FreePort();
    public List<BenchNode> Peers { get; } = [];
    public IServiceProvider Services => _app!.Services;
    public string ConnectionString => new NpgsqlConnectionStringBuilder(admin) { Database = _database }.ConnectionString;

    public static string Root { get; } = FindRoot();

    public async Task StartAsync()
    {
        await using (var c = new NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", c);
            await create.ExecuteNonQueryAsync();
        }
        var config = new JsonObject
        {
            ["Node"] = new JsonObject
            {
                ["NodeId"] = nodeId,
                ["DisplayName"] = nodeId + " (bench)",
                ["Jurisdiction"] = nodeId[..2].ToUpperInvariant(),
                ["BaseDirectory"] = Root,
                ["ListenAddress"] = IPAddress.Loopback.ToString(),
                ["FederationPort"] = FederationPort,
                ["AgencyPort"] = AgencyPort,
                ["HealthPort"] = HealthPort,
                ["Database"] = new JsonObject { ["ConnectionString"] = ConnectionString, ["OwnerConnectionString"] = ConnectionString },
                ["Certificates"] = new JsonObject
                {
                    ["Ca"] = $"certs-dev/{nodeId}/ca.crt",
                    ["TlsCert"] = $"certs-dev/{nodeId}/node-tls.crt",
                    ["TlsKey"] = $"certs-dev/{nodeId}/node-tls.key",
                    ["ClientCert"] = $"certs-dev/{nodeId}/node-client.crt",
                    ["ClientKey"] = $"certs-dev/{nodeId}/node-client.key",
                    ["SigningCert"] = $"certs-dev/{nodeId}/node-signing.crt",
                    ["SigningKey"] = $"certs-dev/{nodeId}/node-signing.key",
                    ["LogKey"] = $"certs-dev/{nodeId}/log.key",
                    ["WitnessKey"] = $"certs-dev/{nodeId}/witness.key",
                    ["DataProtectionKey"] = $"certs-dev/{nodeId}/data-protection.key",
                },
                ["Peers"] = new JsonArray([.. Peers.Select(p => (JsonNode)new JsonObject
                {
                    ["NodeId"] = p.NodeId,
                    ["BaseUrl"] = $"https://localhost:{p.FederationPort}/",
                    ["CaCert"] = $"certs-dev/{p.NodeId}/ca.crt",
                })]),
                ["People"] = new JsonArray(new JsonObject { ["Uri"] = $"urn:federation:person:{nodeId}:officer", ["Roles"] = new JsonArray("officer") }),
                ["Jobs"] = new JsonObject { ["Enabled"] = false },
            },
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Warning" } },
        };
        await File.WriteAllTextAsync(_config, config.ToJsonString());
        _app = NodeApp.Build(["--environment", "Development", "--config", _config]);
        await NodeApp.PrepareAsync(_app);
        await _app.StartAsync();
    }

    /// <summary>The node's officer on its agency API (certs-dev person certificate; the server pinned to the node's CA).</summary>
    public HttpClient Officer()
    {
        var cert = PemFiles.LoadWithKey(Path.Combine(Root, "certs-dev", nodeId, "officer.crt"), Path.Combine(Root, "certs-dev", nodeId, "officer.key"));
        var ca = new TrustAnchor(PemFiles.LoadCertificate(Path.Combine(Root, "certs-dev", nodeId, "ca.crt")));
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [cert],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => cert,
                RemoteCertificateValidationCallback = (_, c, _, _) => c is X509Certificate2 c2 && PinnedChain.Check(c2, ca, DateTimeOffset.UtcNow, PinnedChain.ServerAuth).Accepted,
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://localhost:{AgencyPort}/"), Timeout = TimeSpan.FromMinutes(5) };
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        NpgsqlConnection.ClearAllPools();
        await using var c = new NpgsqlConnection(admin);
        await c.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", c);
        await drop.ExecuteNonQueryAsync();
        File.Delete(_config);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Federation.sln"))) return dir.FullName;
        throw new InvalidOperationException("run the benchmark from inside the repository (cannot find Federation.sln above " + AppContext.BaseDirectory + ")");
    }
}

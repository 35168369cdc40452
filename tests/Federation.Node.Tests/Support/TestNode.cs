using System.Net;
using System.Text.Json.Nodes;
using Federation.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Federation.Node.Tests.Support;

/// <summary>
/// One real node in the test process: real Kestrel with real TLS on 127.0.0.1, its own PostgreSQL database
/// (migrated as the owner role, run as the application role), the dev certificates of <see cref="NodeId"/>, and a
/// settings file on disk that a test can rewrite and reload.
/// </summary>
public sealed class TestNode(string nodeId) : IAsyncDisposable
{
    private WebApplication? _app;
    private readonly string _configFile = Path.Combine(Path.GetTempPath(), $"fed-{nodeId}-{Guid.NewGuid():N}.json");

    public string NodeId { get; } = nodeId;
    public int FederationPort { get; } = FreePorts.Next();
    public int AgencyPort { get; } = FreePorts.Next();
    public int HealthPort { get; } = FreePorts.Next();
    public string? Database { get; private set; }
    public List<TestNode> Peers { get; } = [];
    public CapturedLogs Logs { get; } = new();
    public bool JobsEnabled { get; init; }
    public Action<JsonObject>? Customize { get; init; }

    /// <summary>The node's clock; the system's unless a test sets one it can move (<see cref="ShiftedClock"/>).</summary>
    public TimeProvider? Clock { get; init; }

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("not started");
    public string AppConnectionString => PostgresServer.Tcp(Database!, PostgresServer.AppRole, PostgresServer.AppPassword);
    public string OwnerConnectionString => PostgresServer.Tcp(Database!, PostgresServer.OwnerRole, PostgresServer.OwnerPassword);
    public Uri FederationUrl => new($"https://localhost:{FederationPort}/");
    public Uri AgencyUrl => new($"https://localhost:{AgencyPort}/");

    /// <summary>Creates the node's database (once) and writes its settings file; returns the file's path, with which a test
    /// may also run the node as a child process.</summary>
    public async Task<string> WriteConfigAsync()
    {
        Database ??= await PostgresServer.CreateDatabaseAsync();
        var config = BuildConfig();
        Customize?.Invoke(config);
        await File.WriteAllTextAsync(_configFile, config.ToJsonString());
        return _configFile;
    }

    public async Task<TestNode> StartAsync()
    {
        await WriteConfigAsync();
        _app = NodeApp.Build(["--environment", "Development", "--config", _configFile], b =>
        {
            b.Logging.ClearProviders();
            b.Logging.AddProvider(Logs);
        }, Clock);
        await NodeApp.PrepareAsync(_app);
        await _app.StartAsync();
        // The match index loads in the background and /readyz waits for it; so do tests.
        await _app.Services.GetRequiredService<Federation.Node.Matching.EntryIndex>().Loaded.WaitAsync(TimeSpan.FromSeconds(30));
        return this;
    }

    /// <summary>Stops the node, as a crash or an operator would, keeping its database for a later <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    /// <summary>Rewrites the settings file and reloads the configuration, as an operator's edit would.</summary>
    public async Task ReconfigureAsync(Action<JsonObject> change)
    {
        var config = JsonNode.Parse(await File.ReadAllTextAsync(_configFile))!.AsObject();
        change(config);
        await File.WriteAllTextAsync(_configFile, config.ToJsonString());
        ((IConfigurationRoot)Services.GetRequiredService<IConfiguration>()).Reload();
    }

    public JsonObject BuildConfig() => new()
    {
        ["Node"] = new JsonObject
        {
            ["NodeId"] = NodeId,
            ["DisplayName"] = $"{NodeId} (test)",
            ["Jurisdiction"] = NodeId[..2].ToUpperInvariant(),
            ["BaseDirectory"] = Repo.Root,
            ["ListenAddress"] = IPAddress.Loopback.ToString(),
            ["FederationPort"] = FederationPort,
            ["AgencyPort"] = AgencyPort,
            ["HealthPort"] = HealthPort,
            ["Database"] = new JsonObject
            {
                ["ConnectionString"] = AppConnectionString,
                ["OwnerConnectionString"] = OwnerConnectionString,
            },
            ["Certificates"] = new JsonObject
            {
                ["Ca"] = $"certs-dev/{NodeId}/ca.crt",
                ["TlsCert"] = $"certs-dev/{NodeId}/node-tls.crt",
                ["TlsKey"] = $"certs-dev/{NodeId}/node-tls.key",
                ["ClientCert"] = $"certs-dev/{NodeId}/node-client.crt",
                ["ClientKey"] = $"certs-dev/{NodeId}/node-client.key",
                ["SigningCert"] = $"certs-dev/{NodeId}/node-signing.crt",
                ["SigningKey"] = $"certs-dev/{NodeId}/node-signing.key",
                ["LogKey"] = $"certs-dev/{NodeId}/log.key",
                ["WitnessKey"] = $"certs-dev/{NodeId}/witness.key",
                ["DataProtectionKey"] = $"certs-dev/{NodeId}/data-protection.key",
            },
            ["Peers"] = new JsonArray(Peers.Select(p => (JsonNode)new JsonObject
            {
                ["NodeId"] = p.NodeId,
                ["BaseUrl"] = p.FederationUrl.ToString(),
                ["CaCert"] = $"certs-dev/{p.NodeId}/ca.crt",
            }).ToArray()),
            ["People"] = new JsonArray(new[] { "officer", "supervisor", "operator", "auditor", "case-handler", "duty-officer" }.Select(r => (JsonNode)new JsonObject
            {
                ["Uri"] = $"urn:federation:person:{NodeId}:{r}",
                ["Roles"] = new JsonArray(r),
            }).ToArray()),
            ["Jobs"] = new JsonObject { ["Enabled"] = JobsEnabled },
        },
    };

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (Database is not null) await PostgresServer.DropDatabaseAsync(Database);
        File.Delete(_configFile);
    }
}

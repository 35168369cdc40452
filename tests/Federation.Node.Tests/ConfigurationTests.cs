using System.Diagnostics;
using System.Text.Json.Nodes;
using Federation.Core.Pki;
using Federation.Node.Hosting;
using Federation.Node.Tests.Support;

namespace Federation.Node.Tests;

/// <summary>
/// A bad configuration value stops the node before it starts, naming the key and the value. The checks run in process
/// through <see cref="NodeApp.Build"/>, as the executable runs them; one test runs the real executable to show that
/// such a value stops it with exit code 2 and one line on stderr.
/// </summary>
public sealed class ConfigurationTests
{
    public static TheoryData<string, Action<JsonObject>> BadValues => new()
    {
        { "Node:NodeId", c => c["Node"]!["NodeId"] = "KR KNPA" },
        { "Node:FederationPort", c => c["Node"]!["FederationPort"] = 99999 },
        { "Node:Database:ConnectionString", c => c["Node"]!["Database"]!.AsObject().Remove("ConnectionString") },
        { "Node:Certificates:TlsCert", c => c["Node"]!["Certificates"]!["TlsCert"] = "certs-dev/kr-knpa/missing.crt" },
        { "Node:Certificates:SigningKey", c => c["Node"]!["Certificates"]!["SigningCert"] = "certs-dev/fr-ofmin/node-signing.crt" },
        {
            "Node:Certificates:SigningCert", c =>
            {
                c["Node"]!["Certificates"]!["SigningCert"] = "certs-dev/fr-ofmin/node-signing.crt";
                c["Node"]!["Certificates"]!["SigningKey"] = "certs-dev/fr-ofmin/node-signing.key";
            }
        },
        { "Node:Peers:0:BaseUrl", c => c["Node"]!["Peers"]![0]!["BaseUrl"] = "http://localhost:7102" },
        { "Node:Peers:0:CaCert", c => c["Node"]!["Peers"]![0]!["CaCert"] = "certs-dev/fr-ofmin/node-tls.crt" },
        { "Node:People:0:Roles", c => c["Node"]!["People"]![0]!["Roles"] = new JsonArray("admin") },
        { "Node:Requests:ArchiveAfterDays", c => c["Node"]!["Requests"] = new JsonObject { ["ArchiveAfterDays"] = 0 } },
        { "Node:Sync:IdleReadSeconds", c => c["Node"]!["Sync"] = new JsonObject { ["IdleReadSeconds"] = 0 } },
        { "Node:Sync:PullTimeoutSeconds", c => c["Node"]!["Sync"] = new JsonObject { ["IdleReadSeconds"] = 60, ["PullTimeoutSeconds"] = 30 } },
        { "Node:Limits:MaxConnectionsPerAddress", c => c["Node"]!["Limits"] = new JsonObject { ["MaxConnectionsPerPort"] = 10, ["MaxConnectionsPerAddress"] = 20 } },
        { "Node:Certificates:DataProtectionKey", c => c["Node"]!["Certificates"]!["DataProtectionKey"] = "certs-dev/kr-knpa/log.key" },
        { "Node:Certificates:CrlMaxAge", c => c["Node"]!["Certificates"]!["CrlMaxAge"] = "forever" },
        { "Node:Certificates:CrlMaxBytes", c => c["Node"]!["Certificates"]!["CrlMaxBytes"] = 10 },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Invalid_configuration_stops_start_up_naming_the_key(string key, Action<JsonObject> breakIt)
    {
        var e = Refusal(breakIt, "Development");
        var line = Assert.Single(e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{key} = ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_configuration_stops_the_real_executable_with_exit_code_2_and_one_line()
    {
        var (exit, stderr) = await RunNode(c => c["Node"]!["NodeId"] = "KR KNPA", "Development");
        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("federation-node: configuration error: Node:NodeId = ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certs_dev_ca_is_refused_outside_development()
    {
        var stderr = Refusal(_ => { }, "Production").Message;
        Assert.Contains("Node:Certificates:Ca = ", stderr, StringComparison.Ordinal);
        Assert.Contains("refused outside the Development environment", stderr, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> DevKeysUnderOtherNames => new()
    {
        { "LogKey", "log.key" },
        { "WitnessKey", "witness.key" },
        { "TlsKey", "node-tls.key" },
        { "DataProtectionKey", "data-protection.key" },
    };

    /// <summary>A certs-dev key is known by its public key, not its path: copied under another name next to a
    /// production CA and certificates, it is still refused, and the message names the file.</summary>
    [Theory]
    [MemberData(nameof(DevKeysUnderOtherNames))]
    public void A_certs_dev_key_copied_elsewhere_is_refused_outside_development_naming_the_file(string setting, string devFile)
    {
        using var keys = new ProductionKeys("kr-knpa");
        var copy = keys.Path("renamed-" + devFile);
        KeyFiles.WriteSecret(copy, File.ReadAllText(Repo.CertsDev("kr-knpa", devFile)));
        var stderr = Refusal(c =>
        {
            keys.Use(c);
            c["Node"]!["Certificates"]![setting] = copy;
            if (setting == "TlsKey") c["Node"]!["Certificates"]!["TlsCert"] = Repo.CertsDev("kr-knpa", "node-tls.crt");
        }, "Production").Message;

        Assert.StartsWith($"Node:Certificates:{setting} = ", stderr, StringComparison.Ordinal);
        Assert.Contains($"{copy} is a certs-dev key", stderr, StringComparison.Ordinal);
        Assert.Contains("refused outside the Development environment", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certs_dev_log_key_in_place_is_refused_outside_development_naming_the_file()
    {
        using var keys = new ProductionKeys("kr-knpa");
        var stderr = Refusal(c =>
        {
            keys.Use(c);
            c["Node"]!["Certificates"]!["LogKey"] = "certs-dev/kr-knpa/log.key";
        }, "Production").Message;

        Assert.Contains("Node:Certificates:LogKey = 'certs-dev/kr-knpa/log.key'", stderr, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(Repo.Root, "certs-dev/kr-knpa/log.key") + " is a certs-dev key", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TlsKey", UnixFileMode.OtherRead)]
    [InlineData("SigningKey", UnixFileMode.GroupRead)]
    [InlineData("WitnessKey", UnixFileMode.OtherRead)]
    [InlineData("DataProtectionKey", UnixFileMode.GroupRead)]
    public void A_private_key_file_readable_by_others_is_refused_outside_development_naming_the_file(string setting, UnixFileMode extra)
    {
        if (OperatingSystem.IsWindows()) return;
        using var keys = new ProductionKeys("kr-knpa");
        var file = keys.FileOf(setting);
        File.SetUnixFileMode(file, KeyFiles.OwnerOnly | extra);

        var stderr = Refusal(keys.Use, "Production").Message;

        Assert.StartsWith($"Node:Certificates:{setting} = ", stderr, StringComparison.Ordinal);
        Assert.Contains($"the private key file {file} is readable by group or others", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_of_the_nodes_own_pass_the_production_checks()
    {
        using var keys = new ProductionKeys("kr-knpa");
        // The database is unreachable on purpose: the node is built, never started, so building means no key was refused.
        var path = WriteConfig(keys.Use);
        try
        {
            await using var app = NodeApp.Build(["--environment", "Production", "--config", path]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_loader_names_the_key_in_its_exception()
    {
        var node = new TestNode("kr-knpa");
        var config = node.BuildConfig();
        config["Node"]!["HealthPort"] = "not-a-port";
        var path = Path.GetTempFileName();
        File.WriteAllText(path, config.ToJsonString());
        try
        {
            var e = Assert.Throws<NodeConfigurationException>(() => NodeApp.Build(["--environment", "Development", "--config", path]));
            Assert.Equal("Node:HealthPort", e.Key);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Builds the node in process, as the executable does first, with a broken settings file; returns
    /// what it refused (the executable prints its message after "federation-node: configuration error: ").</summary>
    private static NodeConfigurationException Refusal(Action<JsonObject> breakIt, string environment)
    {
        var path = WriteConfig(breakIt);
        try
        {
            return Assert.Throws<NodeConfigurationException>(() => NodeApp.Build(["--environment", environment, "--config", path]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A settings file for kr-knpa with fr-ofmin as its peer and an unreachable database, broken by <paramref name="breakIt"/>.</summary>
    private static string WriteConfig(Action<JsonObject> breakIt)
    {
        var node = new TestNode("kr-knpa");
        node.Peers.Add(new TestNode("fr-ofmin"));
        var config = node.BuildConfig();
        config["Node"]!["Database"]!["ConnectionString"] = "Host=127.0.0.1;Database=never_used;Username=nobody";
        config["Node"]!["Database"]!.AsObject().Remove("OwnerConnectionString");
        breakIt(config);
        var path = Path.GetTempFileName();
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    /// <summary>Runs the real node executable, as an operator would, with a broken settings file.</summary>
    private static async Task<(int Exit, string Stderr)> RunNode(Action<JsonObject> breakIt, string environment)
    {
        var path = WriteConfig(breakIt);
        try
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "Federation.Node.dll");
            var psi = new ProcessStartInfo("dotnet", [dll, "--environment", environment, "--config", path])
            { RedirectStandardError = true, RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            _ = p.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await p.WaitForExitAsync(timeout.Token);
            return (p.ExitCode, await stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

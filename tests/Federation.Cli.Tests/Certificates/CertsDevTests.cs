using Federation.Cli.Tests.Support;
using Federation.Core.Pki;

namespace Federation.Cli.Tests.Certificates;

public sealed class CertsDevTests : IDisposable
{
    private static readonly string[] Files =
        new[] { "ca", "node-tls", "node-client", "node-signing", "officer", "supervisor", "operator", "auditor" }
            .SelectMany(n => new[] { n + ".crt", n + ".key" })
            .Concat(["log.key", "log.vkey", "witness.key", "witness.vkey"]) // Ed25519 transparency-log and witness keys (C2SP)
            .Append("data-protection.key") // encrypts the node's Data Protection key ring
            .Order(StringComparer.Ordinal).ToArray();

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Writes_the_documented_layout_for_the_three_sample_agencies()
    {
        var run = Fedctl.Ok("certs", "dev", "--out", _dir.Path);

        Assert.Equal(["fr-ofmin", "kr-knpa", "nl-police"], Directory.GetDirectories(_dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var node in new[] { "kr-knpa", "fr-ofmin", "nl-police" })
        {
            Assert.Equal(Files, Directory.GetFiles(_dir[node]).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            using var ca = PemFiles.LoadCertificate(Path.Combine(_dir[node], "ca.crt"));
            Assert.True(DevPki.IsDevelopmentCa(ca));
            using var client = PemFiles.LoadCertificate(Path.Combine(_dir[node], "node-client.crt"));
            Assert.True(PinnedChain.Check(client, new TrustAnchor(ca), Fedctl.Now, PinnedChain.ClientAuth).Accepted);
        }
        Assert.Contains("development only", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_only_the_nodes_asked_for()
    {
        Fedctl.Ok("certs", "dev", "--out", _dir.Path, "--nodes", "de-bka");

        Assert.Equal(["de-bka"], Directory.GetDirectories(_dir.Path).Select(Path.GetFileName));
        Assert.Equal(Files, Directory.GetFiles(_dir["de-bka"]).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Refuses_a_malformed_node_id()
    {
        var run = Fedctl.Run("certs", "dev", "--out", _dir.Path, "--nodes", "kr-knpa,DE_BKA");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("--nodes: 'DE_BKA' is not a valid node id", run.OneLineError());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }
}

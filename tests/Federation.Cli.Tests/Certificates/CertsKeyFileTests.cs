using Federation.Cli.Tests.Support;
using Federation.Core.Pki;

namespace Federation.Cli.Tests.Certificates;

/// <summary>Every key fedctl writes is the owner's alone from its first byte: made 0600 under a temporary name and renamed into place.</summary>
public sealed class CertsKeyFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Data_protection_key_writes_an_owner_only_key_the_node_can_read()
    {
        var path = Path.Combine(_dir.Path, "dp.key");
        var run = Fedctl.Ok("certs", "data-protection-key", "--out", path);

        var key = DataProtectionKey.Parse(File.ReadAllText(path));
        Assert.Equal(DataProtectionKey.Size, key.Bytes.Length);
        Assert.Contains("Node:Certificates:DataProtectionKey", run.Stdout, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows()) Assert.Equal(KeyFiles.OwnerOnly, File.GetUnixFileMode(path));
    }

    [Theory]
    [InlineData("csr")]
    [InlineData("log-key")]
    [InlineData("data-protection-key")]
    [InlineData("ca")]
    public void A_key_is_never_written_through_a_link_planted_at_its_path(string verb)
    {
        if (OperatingSystem.IsWindows()) return;
        // Writing in place follows a symlink: the key would land, readable, in whatever file the link names.
        var victim = Path.Combine(_dir.Path, "victim.txt");
        File.WriteAllText(victim, "");
        File.SetUnixFileMode(victim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var keyPath = verb == "ca" ? Path.Combine(_dir.Path, "ca", "ca.key") : Path.Combine(_dir.Path, "my.key");
        Directory.CreateDirectory(Path.GetDirectoryName(keyPath)!);
        File.CreateSymbolicLink(keyPath, victim);

        switch (verb)
        {
            case "csr": Fedctl.Ok("certs", "csr", "--subject", "CN=test", "--out", Path.Combine(_dir.Path, "my")); break;
            case "log-key": Fedctl.Ok("certs", "log-key", "--name", "federation.node/kr-knpa/log", "--out", keyPath); break;
            case "data-protection-key": Fedctl.Ok("certs", "data-protection-key", "--out", keyPath); break;
            default: Fedctl.Ok("certs", "ca", "--subject", "CN=test CA", "--out", Path.Combine(_dir.Path, "ca")); break;
        }

        Assert.Equal("", File.ReadAllText(victim));
        var written = new FileInfo(keyPath);
        Assert.Null(written.LinkTarget);
        Assert.Equal(KeyFiles.OwnerOnly, written.UnixFileMode);
        Assert.NotEqual("", File.ReadAllText(keyPath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(keyPath)!, "*.tmp"));
    }
}

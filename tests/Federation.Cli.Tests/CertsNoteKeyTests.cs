using Federation.Cli;
using Federation.Core.Ledger;

namespace Federation.Cli.Tests;

public sealed class CertsNoteKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fedctl-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Out, string Err) Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = FedCtl.Run(args, stdout, stderr, TimeProvider.System);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Log_key_writes_a_signer_key_and_the_matching_verifier_key()
    {
        var key = Path.Combine(_dir, "log.key");
        var (exit, output, _) = Run("certs", "log-key", "--name", "federation.node/nl-police/log", "--out", key);
        Assert.Equal(0, exit);

        using var signer = Ed25519NoteSigner.Parse(File.ReadAllText(key).Trim());
        var verifier = NoteVerifier.Parse(File.ReadAllText(Path.Combine(_dir, "log.vkey")).Trim());
        Assert.Equal("federation.node/nl-police/log", signer.Name);
        Assert.Equal(signer.Verifier.ToString(), verifier.ToString());
        Assert.Contains(verifier.ToString(), output, StringComparison.Ordinal);
        Assert.Equal(NoteCheck.Valid, signer.SignNote("hello\n").Verify(verifier).Result);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
    }

    [Fact]
    public void Witness_key_writes_a_cosignature_v1_key()
    {
        var key = Path.Combine(_dir, "witness.key");
        Assert.Equal(0, Run("certs", "witness-key", "--name", "federation.node/nl-police/witness", "--out", key).Exit);
        using var signer = CosignatureV1Signer.Parse(File.ReadAllText(key).Trim());
        Assert.Equal(NoteKeyType.CosignatureV1, NoteVerifier.Parse(File.ReadAllText(Path.Combine(_dir, "witness.vkey")).Trim()).Type);
        Assert.Throws<NoteKeyFormatException>(() => Ed25519NoteSigner.Parse(File.ReadAllText(key).Trim()));
    }

    [Fact]
    public void A_key_name_with_a_space_or_plus_is_refused()
    {
        var (exit, _, error) = Run("certs", "log-key", "--name", "my log", "--out", Path.Combine(_dir, "x.key"));
        Assert.Equal(1, exit);
        Assert.Contains("not a valid key name", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.key")));
    }

    [Fact]
    public void Dev_writes_log_and_witness_keys_for_every_node()
    {
        Assert.Equal(0, Run("certs", "dev", "--out", _dir, "--nodes", "kr-knpa").Exit);
        using var log = Ed25519NoteSigner.Parse(File.ReadAllText(Path.Combine(_dir, "kr-knpa", "log.key")).Trim());
        using var witness = CosignatureV1Signer.Parse(File.ReadAllText(Path.Combine(_dir, "kr-knpa", "witness.key")).Trim());
        Assert.Equal("federation.node/kr-knpa/log", log.Name);
        Assert.Equal("federation.node/kr-knpa/witness", witness.Name);
    }
}

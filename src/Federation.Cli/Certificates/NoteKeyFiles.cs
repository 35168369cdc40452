using Federation.Cli.Hosting;
using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Core.Pki;

namespace Federation.Cli.Certificates;

/// <summary>
/// The node's Ed25519 note keys: the log key that signs checkpoints (type 0x01, named after the origin) and the
/// witness key that cosigns peers' checkpoints (cosignature/v1, type 0x04). Each is written as two one-line
/// files: the signer key <c>PRIVATE+KEY+…</c> (owner-readable only) and the verifier key <c>&lt;name&gt;+&lt;id&gt;+…</c>
/// next to it with the extension <c>.vkey</c>.
/// </summary>
internal static class NoteKeyFiles
{
    /// <remarks>An invalid key name (spaces, '+') is refused by Core's key generation before anything is written.</remarks>
    public static int WriteLogKey(CliArgs a, TextWriter stdout) =>
        Write(a.Required("out"), Ed25519NoteSigner.GenerateKey(a.Required("name")), "log", stdout);

    public static int WriteWitnessKey(CliArgs a, TextWriter stdout) =>
        Write(a.Required("out"), CosignatureV1Signer.GenerateKey(a.Required("name")), "witness", stdout);

    /// <summary>certs-dev/&lt;node&gt;/log.key, log.vkey, witness.key, witness.vkey with the default names, and data-protection.key.</summary>
    public static void WriteDevKeys(string dir, NodeId node)
    {
        Write(Path.Combine(dir, "log.key"), Ed25519NoteSigner.GenerateKey(LogNames.DefaultOrigin(node)));
        Write(Path.Combine(dir, "witness.key"), CosignatureV1Signer.GenerateKey(LogNames.DefaultWitnessName(node)));
        KeyFiles.WriteSecret(Path.Combine(dir, "data-protection.key"), DataProtectionKey.Generate());
    }

    /// <summary><c>fedctl certs data-protection-key --out &lt;file&gt;</c>: the key that encrypts the node's Data Protection key ring.</summary>
    public static int WriteDataProtectionKey(CliArgs a, TextWriter stdout)
    {
        var path = a.Required("out");
        KeyFiles.WriteSecret(path, DataProtectionKey.Generate());
        stdout.WriteLine($"wrote a Data Protection key to {path} (keep it secret; set Node:Certificates:DataProtectionKey to it)");
        return 0;
    }

    public static string VerifierPath(string signerPath) =>
        signerPath.EndsWith(".key", StringComparison.Ordinal) ? signerPath[..^4] + ".vkey" : signerPath + ".vkey";

    private static int Write(string path, (string SignerKey, string VerifierKey) key, string what, TextWriter stdout)
    {
        Write(path, key);
        stdout.WriteLine($"wrote the {what} signer key to {path} (keep it secret) and its verifier key to {VerifierPath(path)}:");
        stdout.WriteLine(key.VerifierKey);
        return 0;
    }

    private static void Write(string path, (string SignerKey, string VerifierKey) key)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        KeyFiles.WriteSecret(path, key.SignerKey + "\n");
        File.WriteAllText(VerifierPath(path), key.VerifierKey + "\n");
    }
}

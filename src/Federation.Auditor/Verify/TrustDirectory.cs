using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Ledger;
using Federation.Core.Pki;

namespace Federation.Auditor.Verify;

/// <summary>What the auditor trusts, from a directory: CA certificates (<c>*.crt</c>, <c>*.pem</c>) and C2SP verifier
/// keys (<c>*.vkey</c>, one per file): witness keys (cosignature/v1) and, optionally, log keys (Ed25519).</summary>
public sealed record TrustDirectory(IReadOnlyList<X509Certificate2> Authorities, IReadOnlyList<NoteVerifier> Keys)
{
    public IEnumerable<NoteVerifier> WitnessKeys => Keys.Where(k => k.Type == NoteKeyType.CosignatureV1);

    public static TrustDirectory Load(string dir)
    {
        var authorities = new List<X509Certificate2>();
        var keys = new List<NoteVerifier>();
        foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            var extension = Path.GetExtension(file);
            try
            {
                if (extension is ".crt" or ".pem") authorities.Add(PemFiles.LoadCertificate(file));
                else if (extension == ".vkey") keys.Add(NoteVerifier.Parse(File.ReadAllText(file).Trim()));
            }
            catch (Exception e) when (e is CryptographicException or FormatException)
            {
                throw new AuditFailure($"trust file {Path.GetFileName(file)}", "a PEM CA certificate or a C2SP verifier key", e.Message);
            }
        }
        return new TrustDirectory(authorities, keys);
    }
}

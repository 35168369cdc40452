using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Ledger;
using Federation.Core.Pki;
using Federation.Node.Hosting;

namespace Federation.Node.Ledger;

/// <summary>
/// A witness that is not a peer (<c>Node:Ledger:Witnesses:&lt;i&gt;</c>): any server speaking C2SP tlog-witness, asked
/// for cosignatures exactly like the peers. Its answers are accepted only under <see cref="Key"/>, configured here and
/// never learned from the witness, and its TLS certificate must chain to <see cref="Ca"/> when one is pinned (the
/// system's roots otherwise, as a public witness's certificate is from a public CA).
/// </summary>
public sealed record OutsideWitness(string Name, Uri Url, NoteVerifier Key, X509Certificate2? Ca)
{
    public const string Section = "Witnesses";

    /// <summary>How its cosignatures are stored: <c>witness:&lt;name&gt;</c>, never a node id.</summary>
    public CosignerId Id => CosignerId.Outside(Name);

    /// <summary><c>&lt;Url&gt;/add-checkpoint</c>, relative to <see cref="Url"/> (which ends in '/').</summary>
    public static string AddCheckpointPath => "add-checkpoint";

    /// <summary>Reads and checks every <c>Node:Ledger:Witnesses</c> entry; errors name the entry's key.</summary>
    public static IReadOnlyList<OutsideWitness> LoadAll(IConfigurationSection ledger, string baseDir, NoteVerifier ownWitnessKey)
    {
        var witnesses = new List<OutsideWitness>();
        foreach (var entry in ledger.GetSection(Section).GetChildren())
        {
            var name = entry["Name"];
            if (string.IsNullOrWhiteSpace(name)) throw Bad(entry, "Name", "is required (the witness's C2SP key name, e.g. witness.example.org/w1)");
            // C2SP signed-note: a key name is non-empty and has no whitespace and no '+'.
            if (name.Any(c => char.IsWhiteSpace(c) || c == '+' || char.IsControl(c)))
                throw Bad(entry, "Name", "must be a C2SP key name: no spaces and no '+'");
            if (witnesses.Any(w => w.Name == name)) throw Bad(entry, "Name", "names another configured witness too");
            if (name == ownWitnessKey.Name) throw Bad(entry, "Name", "is this node's own witness key name");

            var url = entry["Url"];
            if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps
                || !string.IsNullOrEmpty(parsed.Query) || !string.IsNullOrEmpty(parsed.Fragment) || !string.IsNullOrEmpty(parsed.UserInfo))
                throw Bad(entry, "Url", "must be an absolute https URL without query, fragment or credentials (the witness's prefix; the node POSTs <Url>/add-checkpoint)");
            var baseUrl = parsed.AbsoluteUri.EndsWith('/') ? parsed : new Uri(parsed.AbsoluteUri + "/");

            var vkey = entry["VerifierKey"];
            if (string.IsNullOrWhiteSpace(vkey)) throw Bad(entry, "VerifierKey", "is required (the witness's C2SP verifier key, name+keyid+base64)");
            NoteVerifier key;
            try { key = NoteVerifier.Parse(vkey.Trim()); }
            catch (FormatException e) { throw Bad(entry, "VerifierKey", $"is not a C2SP verifier key: {e.Message}"); }
            if (key.Type != NoteKeyType.CosignatureV1) throw Bad(entry, "VerifierKey", $"must be a cosignature/v1 key (type 0x04), not {key.Type}");
            if (key.Name != name) throw Bad(entry, "VerifierKey", $"is named '{key.Name}', not the witness's Name '{name}'");

            X509Certificate2? ca = null;
            if (entry["CaCertificate"] is not null)
            {
                try { ca = PemFiles.LoadCertificate(NodeSettingsLoader.ExistingFile(entry, "CaCertificate", baseDir)); }
                catch (CryptographicException e) { throw Bad(entry, "CaCertificate", $"is not a PEM certificate: {e.Message}"); }
                if (ca.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
                    throw Bad(entry, "CaCertificate", "is not a CA certificate");
            }
            witnesses.Add(new OutsideWitness(name, baseUrl, key, ca));
        }
        return witnesses;
    }

    private static NodeConfigurationException Bad(IConfigurationSection s, string key, string problem) => new($"{s.Path}:{key}", s[key], problem);
}

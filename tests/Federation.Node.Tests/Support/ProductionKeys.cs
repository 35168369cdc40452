using System.Text.Json.Nodes;
using Federation.Core.Ledger;
using Federation.Core.Pki;

namespace Federation.Node.Tests.Support;

/// <summary>
/// A node's own keys made in the test (a CA without the development marker, TLS, client and signing certificates,
/// log, witness and Data Protection keys), each key file 0600, so a Production start passes every key check unless
/// a test breaks one.
/// </summary>
public sealed class ProductionKeys : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fed-prod-keys-").FullName;
    private readonly Dictionary<string, string> _files = [];

    public ProductionKeys(string node)
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateIssuer.CreateCa($"CN={node} test production CA, O=Federation test", now.AddDays(-1), now.AddYears(1));
        PemFiles.WriteCertificate(_files["Ca"] = Path("ca.crt"), ca);
        var issuer = new CertificateIssuer(ca);
        foreach (var (name, profile) in new[] { ("Tls", CertificateProfile.NodeTls), ("Client", CertificateProfile.NodeClient), ("Signing", CertificateProfile.NodeSigning) })
        {
            using var cert = issuer.Issue(profile, $"CN={node} {name}, O=Federation test", $"urn:federation:node:{node}", now.AddDays(-1), now.AddDays(30));
            PemFiles.WriteCertificate(_files[name + "Cert"] = Path(name + ".crt"), cert);
            PemFiles.WritePrivateKey(_files[name + "Key"] = Path(name + ".key"), cert);
        }
        KeyFiles.WriteSecret(_files["LogKey"] = Path("log.key"), Ed25519NoteSigner.GenerateKey(LogNames.DefaultOrigin(Federation.Core.Identity.NodeId.Parse(node))).SignerKey);
        KeyFiles.WriteSecret(_files["WitnessKey"] = Path("witness.key"), CosignatureV1Signer.GenerateKey(LogNames.DefaultWitnessName(Federation.Core.Identity.NodeId.Parse(node))).SignerKey);
        KeyFiles.WriteSecret(_files["DataProtectionKey"] = Path("data-protection.key"), DataProtectionKey.Generate());
    }

    public string Path(string name) => System.IO.Path.Combine(_dir, name);

    public string FileOf(string setting) => _files[setting];

    /// <summary>Points the node's certificates at these files and drops its peers (whose CAs are certs-dev ones).</summary>
    public void Use(JsonObject config)
    {
        var certs = config["Node"]!["Certificates"]!.AsObject();
        foreach (var (setting, file) in _files) certs[setting] = file;
        config["Node"]!["Peers"] = new JsonArray();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

using System.Security.Cryptography.X509Certificates;
using Federation.Core.Identity;

namespace Federation.Core.Pki;

/// <summary>
/// The development PKI: for each sample agency a CA, the node's TLS server, TLS client and signing certificates,
/// and one certificate per role of person. Every file it writes is public and for development only; the CA subject
/// carries <see cref="DevMarker"/> so a node can refuse such a CA outside Development.
/// </summary>
public static class DevPki
{
    /// <summary>The organisational unit that marks a development CA.</summary>
    public const string DevMarker = "DEVELOPMENT ONLY - keys are public";

    public static readonly string[] People = ["officer", "supervisor", "operator", "auditor"];

    public static bool IsDevelopmentCa(X509Certificate2 ca) => ca.Subject.Contains(DevMarker, StringComparison.Ordinal);

    /// <summary>Writes <c>&lt;out&gt;/&lt;node-id&gt;/…</c> for each node (see certs-dev/README.md for the layout).</summary>
    public static void Generate(string outDir, IEnumerable<NodeId> nodes, DateTimeOffset now)
    {
        foreach (var node in nodes)
        {
            var dir = Path.Combine(outDir, node.Value);
            Directory.CreateDirectory(dir);
            var notBefore = now.AddDays(-1);
            // The CA is back-dated a year so tests can issue already-expired certificates from it.
            using var ca = CertificateIssuer.CreateCa($"CN={node} Agency CA, OU={DevMarker}, O=Federation dev", now.AddYears(-1), now.AddYears(20));
            Write(dir, "ca", ca);
            var issuer = new CertificateIssuer(ca);
            var leafEnd = now.AddYears(10);
            using (var c = issuer.Issue(CertificateProfile.NodeTls, $"CN={node} node TLS, O=Federation dev", node.ToUri(), notBefore, leafEnd)) Write(dir, "node-tls", c);
            using (var c = issuer.Issue(CertificateProfile.NodeClient, $"CN={node} node client, O=Federation dev", node.ToUri(), notBefore, leafEnd)) Write(dir, "node-client", c);
            using (var c = issuer.Issue(CertificateProfile.NodeSigning, $"CN={node} node signing, O=Federation dev", node.ToUri(), notBefore, leafEnd)) Write(dir, "node-signing", c);
            foreach (var person in People)
            {
                using var c = issuer.Issue(CertificateProfile.Person, $"CN={node} {person}, O=Federation dev", PersonId.ToUri(node, person), notBefore, leafEnd);
                Write(dir, person, c);
            }
        }
    }

    private static void Write(string dir, string name, X509Certificate2 cert)
    {
        PemFiles.WriteCertificate(Path.Combine(dir, name + ".crt"), cert);
        PemFiles.WritePrivateKey(Path.Combine(dir, name + ".key"), cert);
    }
}

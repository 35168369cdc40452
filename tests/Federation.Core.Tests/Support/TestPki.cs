using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Identity;
using Federation.Core.Pki;

namespace Federation.Core.Tests.Support;

/// <summary>The dev certificates of certs-dev/, and certificates made in the test for the cases they don't cover.</summary>
internal static class TestPki
{
    public static readonly NodeId Kr = NodeId.Parse("kr-knpa");
    public static readonly NodeId Fr = NodeId.Parse("fr-ofmin");

    public static string DevPath(NodeId node, string file) => RepoRoot.Combine("certs-dev", node.Value, file);

    public static X509Certificate2 DevCa(NodeId node) => PemFiles.LoadCertificate(DevPath(node, "ca.crt"));

    public static X509Certificate2 DevCaWithKey(NodeId node) => PemFiles.LoadWithKey(DevPath(node, "ca.crt"), DevPath(node, "ca.key"));

    public static X509Certificate2 DevSigning(NodeId node) => PemFiles.LoadWithKey(DevPath(node, "node-signing.crt"), DevPath(node, "node-signing.key"));

    public static X509Certificate2 DevClient(NodeId node) => PemFiles.LoadWithKey(DevPath(node, "node-client.crt"), DevPath(node, "node-client.key"));

    /// <summary>A time at which every dev certificate is valid (the CA is back-dated; the leaves start a day before generation).</summary>
    public static DateTimeOffset DevNow { get; } = new DateTimeOffset(PemFiles.LoadCertificate(DevPath(Kr, "node-signing.crt")).NotBefore).AddDays(30);

    /// <summary>A signing certificate issued by <paramref name="ca"/> for <paramref name="node"/> with the given validity.</summary>
    public static X509Certificate2 IssueSigning(X509Certificate2 ca, NodeId node, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        new CertificateIssuer(ca).Issue(CertificateProfile.NodeSigning, $"CN={node} node signing, O=Federation test", node.ToUri(), notBefore, notAfter);

    /// <summary>A certificate for <paramref name="node"/> with exactly the key usage given (no EKU), issued by <paramref name="ca"/>.</summary>
    public static X509Certificate2 IssueWithKeyUsage(X509Certificate2 ca, NodeId node, X509KeyUsageFlags usage, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={node} odd usage, O=Federation test", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(node.ToUri()));
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var cert = req.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(8).Select((b, i) => i == 0 ? (byte)(b & 0x7F | 1) : b).ToArray());
        using var withKey = cert.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }
}

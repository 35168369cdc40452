using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Core.Tests.Support;

/// <summary>Self-signed certificates with exactly the subject alternative names a test needs.</summary>
internal static class SanCertificates
{
    /// <summary>A certificate whose SAN holds a DNS name, an IP address and then <paramref name="uris"/> in order;
    /// with no URIs and <paramref name="withSan"/> false, it has no SAN extension at all.</summary>
    public static X509Certificate2 With(string subject, bool withSan, params string[] uris)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (withSan)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("localhost");
            san.AddIpAddress(IPAddress.Loopback);
            foreach (var uri in uris) san.AddUri(new Uri(uri));
            req.CertificateExtensions.Add(san.Build());
        }
        return req.CreateSelfSigned(Some.Now.AddDays(-1), Some.Now.AddDays(1));
    }

    public static X509Certificate2 WithUris(params string[] uris) => With("CN=test", withSan: true, uris);
}

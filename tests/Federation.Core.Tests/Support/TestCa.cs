using System.Security.Cryptography.X509Certificates;
using Federation.Core.Identity;
using Federation.Core.Pki;

namespace Federation.Core.Tests.Support;

/// <summary>An agency CA made in the test (valid a year before <see cref="Some.Now"/> to ten years after), with
/// helpers to issue leaves and CRLs from it. Two instances with the same subject are the rogue-CA case.</summary>
internal sealed class TestCa : IDisposable
{
    public const string DefaultSubject = "CN=kr-knpa Agency CA, O=Federation test";

    public X509Certificate2 Certificate { get; }
    public CertificateIssuer Issuer { get; }

    public TestCa(string subject = DefaultSubject)
    {
        Certificate = CertificateIssuer.CreateCa(subject, Some.Now.AddYears(-1), Some.Now.AddYears(10));
        Issuer = new CertificateIssuer(Certificate);
    }

    /// <summary>A leaf valid from a day before <see cref="Some.Now"/> to thirty days after, unless told otherwise.</summary>
    public X509Certificate2 Issue(CertificateProfile profile, string uri, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        Issuer.Issue(profile, $"CN=test {profile}, O=Federation test", uri, notBefore ?? Some.Now.AddDays(-1), notAfter ?? Some.Now.AddDays(30));

    public X509Certificate2 Issue(CertificateProfile profile, NodeId node) => Issue(profile, node.ToUri());

    public byte[] Crl(IEnumerable<X509Certificate2> revoked, DateTimeOffset? thisUpdate = null, DateTimeOffset? nextUpdate = null) =>
        Issuer.BuildCrl(revoked, 1, thisUpdate ?? Some.Now.AddHours(-1), nextUpdate ?? Some.Now.AddDays(7));

    public TrustAnchor Anchor(byte[]? crl = null) =>
        new(Certificate, crl is null ? null : RevocationList.Load(crl, Certificate));

    public void Dispose() => Certificate.Dispose();
}

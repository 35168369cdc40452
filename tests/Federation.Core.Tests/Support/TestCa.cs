using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
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

    public byte[] Crl(BigInteger number, DateTimeOffset thisUpdate) =>
        Issuer.BuildCrl([], number, thisUpdate, thisUpdate.AddDays(7));

    /// <summary>A v2 CRL with no nextUpdate (RFC 5280 §5.1.2.5 lets a CA omit it); the platform's builder always
    /// writes one, so this one is encoded by hand and signed with the CA key.</summary>
    public byte[] CrlWithoutNextUpdate(IEnumerable<X509Certificate2> revoked, DateTimeOffset thisUpdate, BigInteger? number = null)
    {
        var tbs = new AsnWriter(AsnEncodingRules.DER);
        using (tbs.PushSequence())
        {
            tbs.WriteInteger(1); // v2
            using (tbs.PushSequence()) tbs.WriteObjectIdentifier("1.2.840.10045.4.3.2");
            tbs.WriteEncodedValue(Certificate.SubjectName.RawData);
            tbs.WriteUtcTime(thisUpdate);
            var serials = revoked.Select(c => c.SerialNumberBytes.ToArray()).ToList();
            if (serials.Count > 0)
                using (tbs.PushSequence())
                    foreach (var serial in serials)
                        using (tbs.PushSequence())
                        {
                            tbs.WriteIntegerUnsigned(serial);
                            tbs.WriteUtcTime(thisUpdate);
                        }
            if (number is { } n)
                using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                using (tbs.PushSequence())
                using (tbs.PushSequence())
                {
                    tbs.WriteObjectIdentifier("2.5.29.20");
                    var value = new AsnWriter(AsnEncodingRules.DER);
                    value.WriteInteger(n);
                    tbs.WriteOctetString(value.Encode());
                }
        }
        var tbsBytes = tbs.Encode();
        using var key = Certificate.GetECDsaPrivateKey()!;
        var crl = new AsnWriter(AsnEncodingRules.DER);
        using (crl.PushSequence())
        {
            crl.WriteEncodedValue(tbsBytes);
            using (crl.PushSequence()) crl.WriteObjectIdentifier("1.2.840.10045.4.3.2");
            crl.WriteBitString(key.SignData(tbsBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        }
        return crl.Encode();
    }

    public TrustAnchor Anchor(byte[]? crl = null) =>
        new(Certificate, crl is null ? null : RevocationList.Load(crl, Certificate));

    public void Dispose() => Certificate.Dispose();
}

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Envelopes;
using Federation.Core.Identity;

namespace Federation.Core.Pki;

/// <summary>
/// Issues an agency's certificates from its own CA (ECDSA P-256, SHA-256). Used by <c>fedctl certs</c> for the dev
/// PKI and for signing the certificate requests of a real agency.
/// </summary>
public sealed class CertificateIssuer(X509Certificate2 ca)
{
    public X509Certificate2 Ca { get; } = ca.HasPrivateKey ? ca : throw new ArgumentException("the CA certificate has no private key", nameof(ca));

    /// <summary>A new self-signed agency CA. Path length 0: it issues end-entity certificates only.</summary>
    public static X509Certificate2 CreateCa(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        using var ca = req.CreateSelfSigned(notBefore, notAfter);
        return Reload(ca);
    }

    /// <summary>Issues a certificate with a fresh key pair for the given profile; the result holds the private key.</summary>
    public X509Certificate2 Issue(CertificateProfile profile, string subject, string uriSan, DateTimeOffset notBefore, DateTimeOffset notAfter,
        string? crlDistributionPoint = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        using var cert = IssueFor(req, profile, uriSan, notBefore, notAfter, crlDistributionPoint);
        using var withKey = cert.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>Issues a certificate for a PKCS#10 request (the CSR flow: the agency's key never leaves its holder).
    /// The profile and the URI SAN come from the CA operator, never from the request's own extensions.</summary>
    public X509Certificate2 IssueForRequest(byte[] pkcs10Der, CertificateProfile profile, string uriSan, DateTimeOffset notBefore, DateTimeOffset notAfter,
        string? crlDistributionPoint = null)
    {
        var req = CertificateRequest.LoadSigningRequest(pkcs10Der, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default, RSASignaturePadding.Pss);
        req.CertificateExtensions.Clear();
        return IssueFor(req, profile, uriSan, notBefore, notAfter, crlDistributionPoint);
    }

    private X509Certificate2 IssueFor(CertificateRequest req, CertificateProfile profile, string uriSan, DateTimeOffset notBefore, DateTimeOffset notAfter,
        string? crlDistributionPoint)
    {
        if (notAfter > Ca.NotAfter) notAfter = Ca.NotAfter;
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var san = new SubjectAlternativeNameBuilder();
        switch (profile)
        {
            case CertificateProfile.NodeTls:
                req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
                req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(FederationOids.ServerAuth)], false));
                san.AddDnsName("localhost");
                san.AddIpAddress(IPAddress.Loopback);
                san.AddIpAddress(IPAddress.IPv6Loopback);
                break;
            case CertificateProfile.NodeClient:
            case CertificateProfile.Person:
                req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
                req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(FederationOids.ClientAuth)], false));
                break;
            case CertificateProfile.NodeSigning:
                // No EKU: OpenSSL's smimesign purpose would refuse clientAuth-only certificates, and an EKU-less
                // signing key cannot be used as a TLS identity by our validators (they require clientAuth/serverAuth).
                req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(profile), profile, null);
        }
        san.AddUri(new Uri(uriSan));
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        if (crlDistributionPoint is not null)
            req.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([crlDistributionPoint]));
        return req.Create(Ca, notBefore, notAfter, RandomSerial());
    }

    /// <summary>A CRL from this CA naming the given certificates as revoked (RFC 5280 §5).</summary>
    public byte[] BuildCrl(IEnumerable<X509Certificate2> revoked, System.Numerics.BigInteger crlNumber, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var cert in revoked)
            builder.AddEntry(cert, thisUpdate, X509RevocationReason.KeyCompromise);
        return builder.Build(Ca, crlNumber, nextUpdate, HashAlgorithmName.SHA256, thisUpdate: thisUpdate);
    }

    public static string NodeUri(NodeId node) => node.ToUri();

    private static byte[] RandomSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive INTEGER (RFC 5280 §4.1.2.2)
        serial[0] |= 0x01;
        return serial;
    }

    // A PKCS#12 round trip gives a certificate whose key is usable by every platform's TLS stack.
    private static X509Certificate2 Reload(X509Certificate2 cert) =>
        X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
}

using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Core.Pki;

/// <summary>
/// A CRL (RFC 5280 §5) whose signature has been checked against the CA that issued it. .NET cannot hand an
/// in-memory CRL to <see cref="X509Chain"/> (it only fetches from distribution points and caches on disk), so the
/// node reads the CRL itself and checks serial numbers after the chain is built.
/// </summary>
public sealed class RevocationList
{
    private readonly Dictionary<BigInteger, DateTimeOffset> _revokedSerials;

    private const string CrlNumberOid = "2.5.29.20";

    public DateTimeOffset ThisUpdate { get; }
    public DateTimeOffset? NextUpdate { get; }

    /// <summary>The cRLNumber extension (RFC 5280 §5.2.3), monotonically increasing per CA; null when absent.</summary>
    public BigInteger? Number { get; }

    public int Count => _revokedSerials.Count;

    private RevocationList(Dictionary<BigInteger, DateTimeOffset> revoked, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate, BigInteger? number)
    {
        _revokedSerials = revoked;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
        Number = number;
    }

    /// <summary>When this CRL stops being current: its nextUpdate, or — for a CRL that names none (RFC 5280 §5.1.2.5
    /// allows that only to say "no later CRL will follow") — thisUpdate plus <paramref name="maxAge"/>, so a list
    /// replayed forever cannot hide later revocations.</summary>
    public DateTimeOffset StaleAfter(TimeSpan maxAge) => NextUpdate ?? ThisUpdate + maxAge;

    /// <summary>How this CRL orders against <paramref name="held"/>, one of the same CA: by CRL number when both carry
    /// one (RFC 5280 §5.2.3), else by thisUpdate. The same number with the same thisUpdate is the same list fetched again.</summary>
    public CrlOrder CompareTo(RevocationList held)
    {
        if (Number is { } mine && held.Number is { } theirs)
        {
            if (mine > theirs) return CrlOrder.Newer;
            return mine == theirs && ThisUpdate == held.ThisUpdate ? CrlOrder.Same : CrlOrder.NotNewer;
        }
        if (ThisUpdate > held.ThisUpdate) return CrlOrder.Newer;
        return ThisUpdate == held.ThisUpdate && Number == held.Number ? CrlOrder.Same : CrlOrder.NotNewer;
    }

    public bool IsRevoked(X509Certificate2 certificate) => RevokedAt(certificate) is not null;

    /// <summary>When the CRL says <paramref name="certificate"/> was revoked (its revocationDate), or null if it is not
    /// listed: an auditor judges a signature made before that moment as made by a valid certificate.</summary>
    public DateTimeOffset? RevokedAt(X509Certificate2 certificate) =>
        _revokedSerials.TryGetValue(new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: false, isBigEndian: true), out var at) ? at : null;

    /// <summary>Parses a DER or PEM CRL and verifies it was signed by <paramref name="issuer"/>.</summary>
    /// <exception cref="CryptographicException">The CRL is malformed, from another issuer, or its signature fails.</exception>
    public static RevocationList Load(ReadOnlySpan<byte> derOrPem, X509Certificate2 issuer)
    {
        byte[] der;
        if (derOrPem.Length > 0 && derOrPem[0] == (byte)'-')
        {
            var text = System.Text.Encoding.ASCII.GetString(derOrPem);
            if (!PemEncoding.TryFind(text, out var fields)) throw new CryptographicException("the CRL file is neither DER nor PEM");
            der = Convert.FromBase64String(text[fields.Base64Data]);
        }
        else
        {
            der = derOrPem.ToArray();
        }
        try
        {
            return Parse(der, issuer);
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException("the CRL is not valid DER: " + e.Message, e);
        }
    }

    private static RevocationList Parse(byte[] der, X509Certificate2 issuer)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var tbsBytes = outer.PeekEncodedValue().ToArray();
        var tbs = outer.ReadSequence();
        var sigAlg = outer.ReadSequence().ReadObjectIdentifier();
        var signature = outer.ReadBitString(out _);

        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer)) tbs.ReadInteger(); // version
        tbs.ReadSequence(); // signature algorithm (repeated inside the signed part)
        var issuerName = tbs.ReadEncodedValue();
        if (!issuerName.Span.SequenceEqual(issuer.SubjectName.RawData))
            throw new CryptographicException($"the CRL was issued by another CA than {issuer.Subject}");
        var thisUpdate = ReadTime(tbs);
        DateTimeOffset? nextUpdate = null;
        if (tbs.HasData && IsTime(tbs.PeekTag())) nextUpdate = ReadTime(tbs);
        var revoked = new Dictionary<BigInteger, DateTimeOffset>();
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var entries = tbs.ReadSequence();
            while (entries.HasData)
            {
                var entry = entries.ReadSequence();
                var serial = entry.ReadInteger();
                var at = ReadTime(entry);
                // A serial listed twice counts from its earliest revocation.
                revoked[serial] = revoked.TryGetValue(serial, out var earlier) && earlier < at ? earlier : at;
            }
        }
        BigInteger? number = null;
        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 0);
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(extensionsTag))
        {
            var extensions = tbs.ReadSequence(extensionsTag).ReadSequence();
            while (extensions.HasData)
            {
                var extension = extensions.ReadSequence();
                var oid = extension.ReadObjectIdentifier();
                if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean)) extension.ReadBoolean();
                var value = extension.ReadOctetString();
                if (oid == CrlNumberOid) number = new AsnReader(value, AsnEncodingRules.DER).ReadInteger();
            }
        }

        VerifySignature(issuer, sigAlg, tbsBytes, signature);
        return new RevocationList(revoked, thisUpdate, nextUpdate, number);
    }

    private static void VerifySignature(X509Certificate2 issuer, string sigAlg, byte[] tbs, byte[] signature)
    {
        bool ok;
        switch (sigAlg)
        {
            case "1.2.840.10045.4.3.2" or "1.2.840.10045.4.3.3" or "1.2.840.10045.4.3.4":
                using (var ec = issuer.GetECDsaPublicKey() ?? throw new CryptographicException("the CRL issuer has no ECDSA key"))
                    ok = ec.VerifyData(tbs, signature, EcdsaHash(sigAlg), DSASignatureFormat.Rfc3279DerSequence);
                break;
            case "1.2.840.113549.1.1.11" or "1.2.840.113549.1.1.12" or "1.2.840.113549.1.1.13":
                using (var rsa = issuer.GetRSAPublicKey() ?? throw new CryptographicException("the CRL issuer has no RSA key"))
                    ok = rsa.VerifyData(tbs, signature, RsaHash(sigAlg), RSASignaturePadding.Pkcs1);
                break;
            default:
                throw new CryptographicException($"CRL signature algorithm {sigAlg} is not allowed");
        }
        if (!ok) throw new CryptographicException("the CRL signature does not verify with the issuing CA's key");
    }

    private static HashAlgorithmName EcdsaHash(string oid) => oid switch
    {
        "1.2.840.10045.4.3.2" => HashAlgorithmName.SHA256,
        "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };

    private static HashAlgorithmName RsaHash(string oid) => oid switch
    {
        "1.2.840.113549.1.1.11" => HashAlgorithmName.SHA256,
        "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };

    private static bool IsTime(Asn1Tag tag) =>
        tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}

/// <summary>How a fetched CRL compares with the one already held for its CA.</summary>
public enum CrlOrder
{
    Newer,
    Same,
    NotNewer,
}

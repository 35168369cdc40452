using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Core.Envelopes;

/// <summary>
/// A CMS SignedData (RFC 5652 §5) taken apart strictly enough to verify it by hand: exactly one signer, its signed
/// attributes read as DER, the certificates it carries. <see cref="Decode"/> refuses with an
/// <see cref="EnvelopeRejections"/> code; it checks structure, not trust (that is <see cref="EnvelopeVerifier"/>).
/// </summary>
internal sealed class SignedEnvelope : IDisposable
{
    public required string ContentType { get; init; }
    /// <summary>The eContent of an attached envelope; null when detached.</summary>
    public required ReadOnlyMemory<byte>? Content { get; init; }
    public required X509Certificate2Collection Certificates { get; init; }
    public required X509Certificate2? SignerCertificate { get; init; }
    public required string DigestAlgorithmOid { get; init; }
    public required string SignatureAlgorithmOid { get; init; }
    /// <summary>The signed attributes as received, with the [0] tag (RFC 5652 §5.4 says to sign them as SET OF).</summary>
    public required ReadOnlyMemory<byte> SignedAttributes { get; init; }
    public required ReadOnlyMemory<byte> Signature { get; init; }
    public required string ContentTypeAttribute { get; init; }
    public required ReadOnlyMemory<byte> MessageDigest { get; init; }
    public required DateTimeOffset? SigningTime { get; init; }

    private static readonly Asn1Tag Context0 = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Context1 = new(TagClass.ContextSpecific, 1, isConstructed: true);

    /// <exception cref="EnvelopeRefusal">The blob is not a single-signer SignedData with the attributes we require.</exception>
    public static SignedEnvelope Decode(ReadOnlyMemory<byte> blob)
    {
        try
        {
            return DecodeCore(blob);
        }
        catch (AsnContentException e)
        {
            throw new EnvelopeRefusal(EnvelopeRejections.Malformed, "not a valid CMS encoding: " + e.Message);
        }
        catch (CryptographicException e)
        {
            throw new EnvelopeRefusal(EnvelopeRejections.Malformed, "a certificate in the envelope cannot be read: " + e.Message);
        }
    }

    private static SignedEnvelope DecodeCore(ReadOnlyMemory<byte> blob)
    {
        // The outer structure may be BER (OpenSSL streams with indefinite lengths); the signed attributes must be DER.
        var outer = new AsnReader(blob, AsnEncodingRules.BER);
        var contentInfo = outer.ReadSequence();
        if (outer.HasData) throw Malformed("bytes follow the ContentInfo");
        if (contentInfo.ReadObjectIdentifier() != CmsOids.SignedData) throw Malformed("the ContentInfo is not SignedData");
        var explicitContent = contentInfo.ReadSequence(Context0);
        var sd = explicitContent.ReadSequence();
        sd.ReadInteger(); // version: derived from the other fields (§5.1), carries nothing to check
        sd.ReadSetOf(skipSortOrderValidation: true); // digestAlgorithms: a hint for one-pass verifiers; the SignerInfo's counts

        var encapsulated = sd.ReadSequence();
        var contentType = encapsulated.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? content = null;
        if (encapsulated.HasData) content = encapsulated.ReadSequence(Context0).ReadOctetString();

        var certificates = new X509Certificate2Collection();
        if (sd.HasData && sd.PeekTag() == Context0)
        {
            var set = sd.ReadSetOf(skipSortOrderValidation: true, expectedTag: Context0);
            while (set.HasData)
            {
                var encoded = set.ReadEncodedValue();
                // Only plain X.509 certificates (CertificateChoices.certificate); other choices are ignored.
                if (new AsnReader(encoded, AsnEncodingRules.BER).PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
                    certificates.Add(X509CertificateLoader.LoadCertificate(encoded.Span));
            }
        }
        if (sd.HasData && sd.PeekTag() == Context1) sd.ReadEncodedValue(); // crls: unsigned, so never trusted; revocation comes from the pinned anchor's CRL

        var signerInfos = sd.ReadSetOf(skipSortOrderValidation: true);
        var signers = new List<ReadOnlyMemory<byte>>();
        while (signerInfos.HasData) signers.Add(signerInfos.ReadEncodedValue());
        if (sd.HasData) throw Malformed("unexpected fields after signerInfos");
        if (signers.Count != 1) throw new EnvelopeRefusal(EnvelopeRejections.SignerCount, $"{signers.Count} signers; exactly one is accepted");

        var si = new AsnReader(signers[0], AsnEncodingRules.BER).ReadSequence();
        si.ReadInteger();
        var signerCert = FindSigner(si, certificates);
        var digestAlgorithm = ReadAlgorithm(si, out var digestParameters);
        if (digestParameters is { } p && !p.Span.SequenceEqual(NullParameters))
            throw new EnvelopeRefusal(EnvelopeRejections.DigestNotAllowed, $"digest algorithm {digestAlgorithm} with parameters");
        if (!si.HasData || si.PeekTag() != Context0)
            throw new EnvelopeRefusal(EnvelopeRejections.SignedAttributesMissing, "the signer has no signed attributes, so nothing binds the content type");
        var signedAttributes = si.ReadEncodedValue();
        var signatureAlgorithm = ReadAlgorithm(si, out var signatureParameters);
        if (signatureParameters is not null)
            throw new EnvelopeRefusal(EnvelopeRejections.SignatureAlgorithmNotAllowed, $"signature algorithm {signatureAlgorithm} with parameters (RFC 5758 §3.2: absent)");
        var signature = si.ReadOctetString();
        if (si.HasData && si.PeekTag() == Context1) si.ReadEncodedValue(); // unsignedAttrs: malleable (anyone can change them without breaking the signature), ignored
        if (si.HasData) throw Malformed("unexpected fields in the SignerInfo");

        var (contentTypeAttr, messageDigest, signingTime) = ReadSignedAttributes(signedAttributes);
        return new SignedEnvelope
        {
            ContentType = contentType,
            Content = content,
            Certificates = certificates,
            SignerCertificate = signerCert,
            DigestAlgorithmOid = digestAlgorithm,
            SignatureAlgorithmOid = signatureAlgorithm,
            SignedAttributes = signedAttributes,
            Signature = signature,
            ContentTypeAttribute = contentTypeAttr,
            MessageDigest = messageDigest,
            SigningTime = signingTime,
        };
    }

    private static readonly byte[] NullParameters = [0x05, 0x00];

    /// <summary>RFC 5652 §5.3 and §11: each of content type, message digest and signing time at most once, each with
    /// exactly one value; content type and message digest required. The SET OF must be DER (§5.3), which the reader
    /// checks, including its sort order.</summary>
    private static (string ContentType, ReadOnlyMemory<byte> Digest, DateTimeOffset? SigningTime) ReadSignedAttributes(ReadOnlyMemory<byte> encoded)
    {
        var outer = new AsnReader(encoded, AsnEncodingRules.DER);
        var set = outer.ReadSetOf(Context0);
        string? contentType = null;
        ReadOnlyMemory<byte>? digest = null;
        DateTimeOffset? signingTime = null;
        var seen = new HashSet<string>();
        while (set.HasData)
        {
            var attribute = set.ReadSequence();
            var type = attribute.ReadObjectIdentifier();
            if (!seen.Add(type)) throw Invalid($"the signed attribute {type} appears twice");
            var values = attribute.ReadSetOf();
            if (attribute.HasData) throw Invalid($"the signed attribute {type} has extra fields");
            switch (type)
            {
                case CmsOids.ContentTypeAttribute:
                    contentType = values.ReadObjectIdentifier();
                    break;
                case CmsOids.MessageDigestAttribute:
                    digest = values.ReadOctetString();
                    break;
                case CmsOids.SigningTimeAttribute:
                    signingTime = values.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? values.ReadUtcTime() : values.ReadGeneralizedTime();
                    break;
                default:
                    continue; // other signed attributes (e.g. OpenSSL's smimeCapabilities) are signed, so harmless
            }
            if (values.HasData) throw Invalid($"the signed attribute {type} has more than one value");
        }
        if (contentType is null) throw Invalid("no content-type attribute (RFC 5652 §5.3 requires it)");
        if (digest is null) throw Invalid("no message-digest attribute (RFC 5652 §5.3 requires it)");
        return (contentType, digest.Value, signingTime);
    }

    private static X509Certificate2? FindSigner(AsnReader si, X509Certificate2Collection certificates)
    {
        var skiTag = new Asn1Tag(TagClass.ContextSpecific, 0);
        if (si.PeekTag() == skiTag)
        {
            var ski = Convert.ToHexString(si.ReadOctetString(skiTag));
            return certificates.FirstOrDefault(c => c.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifier == ski);
        }
        var sid = si.ReadSequence();
        var issuer = sid.ReadEncodedValue();
        var serial = sid.ReadIntegerBytes();
        if (sid.HasData) throw Malformed("unexpected fields in the signer identifier");
        return certificates.FirstOrDefault(c => c.IssuerName.RawData.AsSpan().SequenceEqual(issuer.Span) && c.SerialNumberBytes.Span.SequenceEqual(serial.Span));
    }

    private static string ReadAlgorithm(AsnReader reader, out ReadOnlyMemory<byte>? parameters)
    {
        var seq = reader.ReadSequence();
        var oid = seq.ReadObjectIdentifier();
        parameters = seq.HasData ? seq.ReadEncodedValue() : (ReadOnlyMemory<byte>?)null; // a bare null would become an empty memory via byte[]
        if (seq.HasData) throw Malformed($"unexpected fields in the algorithm identifier {oid}");
        return oid;
    }

    private static EnvelopeRefusal Malformed(string detail) => new(EnvelopeRejections.Malformed, detail);

    private static EnvelopeRefusal Invalid(string detail) => new(EnvelopeRejections.SignedAttributesInvalid, detail);

    public void Dispose()
    {
        foreach (var c in Certificates) c.Dispose();
    }
}

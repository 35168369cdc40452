using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Core.Envelopes;

/// <summary>
/// Builds a detached CMS SignedData (RFC 5652 §5) from the content's digest alone, so signing a large release never
/// holds it in memory. The profile is the one <see cref="System.Security.Cryptography.Pkcs.SignedCms"/> produces
/// for us: SHA-256, ECDSA, signed attributes content type + signing time + message digest, the signer certificate
/// in the certificate set, signer identified by issuer and serial number.
/// </summary>
internal static class SignedDataWriter
{
    public static byte[] WriteDetached(string contentType, ReadOnlySpan<byte> sha256Digest, X509Certificate2 signer, DateTimeOffset signingTime)
    {
        using var key = signer.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException($"the signing certificate {signer.Subject} has no ECDSA private key (envelopes are signed with ECDSA)");
        var signatureAlgorithm = key.KeySize switch
        {
            256 => CmsOids.EcdsaWithSha256,
            _ => throw new InvalidOperationException($"the signing key of {signer.Subject} is ECDSA with {key.KeySize} bits; envelopes are signed with P-256 and SHA-256"),
        };

        var signedAttributes = EncodeSignedAttributes(contentType, sha256Digest, signingTime);
        // RFC 5652 §5.4: the signature covers the DER encoding of SignedAttrs with an EXPLICIT SET OF tag (0x31),
        // not the [0] IMPLICIT tag it carries inside SignerInfo.
        var signature = key.SignData(signedAttributes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        signedAttributes[0] = 0xA0; // [0] IMPLICIT, constructed; DER sorting of the SET OF is unaffected by the tag

        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence()) // ContentInfo (RFC 5652 §3)
        {
            w.WriteObjectIdentifier(CmsOids.SignedData);
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (w.PushSequence()) // SignedData (§5.1)
            {
                // Version 3: eContentType is not id-data (§5.1).
                w.WriteInteger(3);
                using (w.PushSetOf()) WriteAlgorithm(w, FederationOids.Sha256);
                using (w.PushSequence()) w.WriteObjectIdentifier(contentType); // EncapsulatedContentInfo, eContent absent: detached (§5.2)
                using (w.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true))) w.WriteEncodedValue(signer.RawData);
                using (w.PushSetOf())
                using (w.PushSequence()) // SignerInfo (§5.3)
                {
                    w.WriteInteger(1); // version 1: sid is issuerAndSerialNumber
                    using (w.PushSequence())
                    {
                        w.WriteEncodedValue(signer.IssuerName.RawData);
                        w.WriteInteger(signer.SerialNumberBytes.Span); // the certificate's own DER INTEGER contents, unchanged
                    }
                    WriteAlgorithm(w, FederationOids.Sha256);
                    w.WriteEncodedValue(signedAttributes);
                    WriteAlgorithm(w, signatureAlgorithm);
                    w.WriteOctetString(signature);
                }
            }
        }
        return w.Encode();
    }

    private static byte[] EncodeSignedAttributes(string contentType, ReadOnlySpan<byte> digest, DateTimeOffset signingTime)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSetOf()) // DER: the writer sorts the attributes by their encoding (X.690 §11.6)
        {
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(CmsOids.ContentTypeAttribute); // RFC 5652 §11.1
                using (w.PushSetOf()) w.WriteObjectIdentifier(contentType);
            }
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(CmsOids.SigningTimeAttribute); // RFC 5652 §11.3
                using (w.PushSetOf())
                {
                    var t = DateTimeOffset.FromUnixTimeSeconds(signingTime.ToUnixTimeSeconds());
                    // UTCTime for 1950-2049, GeneralizedTime otherwise (§11.3).
                    if (t.Year is >= 1950 and < 2050) w.WriteUtcTime(t);
                    else w.WriteGeneralizedTime(t, omitFractionalSeconds: true);
                }
            }
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(CmsOids.MessageDigestAttribute); // RFC 5652 §11.2
                using (w.PushSetOf()) w.WriteOctetString(digest);
            }
        }
        return w.Encode();
    }

    // RFC 5754 §2 (SHA-2) and RFC 5758 §3.2 (ECDSA): generate AlgorithmIdentifiers with absent parameters.
    private static void WriteAlgorithm(AsnWriter w, string oid)
    {
        using (w.PushSequence()) w.WriteObjectIdentifier(oid);
    }
}

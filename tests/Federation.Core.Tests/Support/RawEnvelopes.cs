using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Envelopes;

namespace Federation.Core.Tests.Support;

/// <summary>CMS envelopes that <see cref="EnvelopeSigner"/> would never make, for the verifier's negatives.</summary>
internal static class RawEnvelopes
{
    private const string IdData = "1.2.840.113549.1.7.1";

    /// <summary>Signed with a stock <see cref="CmsSigner"/>: any content type and digest, signed attributes only if
    /// the platform adds them (it does for every content type but id-data).</summary>
    public static byte[] Sign(X509Certificate2 signer, string contentType, byte[] content, string digest = FederationOids.Sha256)
    {
        var cms = new SignedCms(new ContentInfo(new Oid(contentType), content), detached: false);
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signer)
        {
            IncludeOption = X509IncludeOption.EndCertOnly,
            DigestAlgorithm = new Oid(digest),
        }, silent: true);
        return cms.Encode();
    }

    /// <summary>
    /// An envelope with our content type and no signed attributes. Without them the signature covers the content
    /// bytes only (RFC 5652 §5.4), so an id-data signature stays valid when its eContentType is swapped: this is
    /// the cross-protocol splice that requiring signed attributes prevents.
    /// </summary>
    public static byte[] WithoutSignedAttributes(X509Certificate2 signer, string contentType, byte[] content)
    {
        var idData = Sign(signer, IdData, content);
        var info = new AsnReader(idData, AsnEncodingRules.DER).ReadSequence();
        var signedDataOid = info.ReadObjectIdentifier();
        var signedData = info.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        signedData.ReadInteger(); // version 1 for id-data
        var digestAlgorithms = signedData.ReadEncodedValue();
        var encap = signedData.ReadSequence();
        encap.ReadObjectIdentifier();
        var eContent = encap.ReadEncodedValue();
        var rest = new List<ReadOnlyMemory<byte>>();
        while (signedData.HasData) rest.Add(signedData.ReadEncodedValue());

        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            w.WriteObjectIdentifier(signedDataOid);
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (w.PushSequence())
            {
                w.WriteInteger(3); // RFC 5652 §5.1: version 3 when eContentType is not id-data
                w.WriteEncodedValue(digestAlgorithms.Span);
                using (w.PushSequence())
                {
                    w.WriteObjectIdentifier(contentType);
                    w.WriteEncodedValue(eContent.Span);
                }
                foreach (var part in rest) w.WriteEncodedValue(part.Span);
            }
        }
        return w.Encode();
    }
}

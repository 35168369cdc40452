using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Core.Identity;

/// <summary>Reads the names a certificate carries in its subject alternative name extension.</summary>
public static class CertificateNames
{
    private const string SubjectAltNameOid = "2.5.29.17";

    /// <summary>Every uniformResourceIdentifier in the SAN extension, in certificate order.</summary>
    public static IReadOnlyList<string> UriSans(X509Certificate2 certificate)
    {
        var ext = certificate.Extensions[SubjectAltNameOid];
        if (ext is null) return [];
        var uris = new List<string>();
        // GeneralNames ::= SEQUENCE OF GeneralName; uniformResourceIdentifier is [6] IA5String (RFC 5280 4.2.1.6).
        var reader = new AsnReader(ext.RawData, AsnEncodingRules.DER);
        var names = reader.ReadSequence();
        var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
        while (names.HasData)
        {
            var tag = names.PeekTag();
            if (tag == uriTag) uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
            else names.ReadEncodedValue();
        }
        return uris;
    }
}

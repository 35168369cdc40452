using System.Security.Cryptography.X509Certificates;
using Federation.Core.Identity;

namespace Federation.Core.Pki;

/// <summary>
/// A person of an agency, bound into their certificate as the URI SAN <c>urn:federation:person:&lt;node-id&gt;:&lt;handle&gt;</c>.
/// The node maps this URI to roles in its configuration.
/// </summary>
public static class PersonId
{
    public const string UriPrefix = "urn:federation:person:";

    public static string ToUri(NodeId agency, string handle) => $"{UriPrefix}{agency}:{handle}";

    /// <summary>The person URI a certificate carries, or null when it names no person (or more than one).</summary>
    public static string? FromCertificate(X509Certificate2 certificate)
    {
        var uris = CertificateNames.UriSans(certificate).Where(u => u.StartsWith(UriPrefix, StringComparison.Ordinal)).ToList();
        return uris.Count == 1 ? uris[0] : null;
    }
}

using System.Security.Claims;
using System.Security.Cryptography;
using Federation.Node.Security;

namespace Federation.Node.Audit;

/// <summary>Who consults: the person, their roles at the time, and the certificate they authenticated with.</summary>
public sealed record Consultant(string Person, IReadOnlyList<string> Roles, string CertificateSubject, string CertificateSha256)
{
    /// <summary>The authenticated person of an agency request.</summary>
    /// <exception cref="InvalidOperationException">The request has no authenticated person.</exception>
    public static Consultant Of(HttpContext http)
    {
        var person = http.User.FindFirst(ClientCertificatePolicy.PersonClaim)?.Value
            ?? throw new InvalidOperationException("A consultation is recorded for an authenticated person only; authorise the endpoint first.");
        var cert = http.Connection.ClientCertificate;
        return new Consultant(person, [.. http.User.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal)],
            cert?.Subject ?? "", cert is null ? "" : Convert.ToHexStringLower(SHA256.HashData(cert.RawData)));
    }

    public bool HasAnyRole(params string[] roles) => Roles.Any(r => roles.Contains(r, StringComparer.Ordinal));
}

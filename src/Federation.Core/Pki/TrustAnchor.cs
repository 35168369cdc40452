using System.Security.Cryptography.X509Certificates;

namespace Federation.Core.Pki;

/// <summary>
/// An agency CA pinned as the only root accepted for one party (a peer node, or this node's own people), with the
/// CRL the operator configured for it, if any: read from a file (<see cref="Crl"/> set at load), or fetched from a
/// distribution point (<see cref="CrlUrl"/>; until the first fetch succeeds <see cref="Crl"/> is null and every
/// certificate of this CA is refused — revocation that was asked for is never silently skipped).
/// </summary>
public sealed record TrustAnchor(X509Certificate2 Ca, RevocationList? Crl = null, Uri? CrlUrl = null)
{
    public static readonly TimeSpan DefaultCrlMaxAge = TimeSpan.FromDays(7);

    /// <summary>How long a CRL without nextUpdate stays current after its thisUpdate (<c>Node:Certificates:CrlMaxAge</c>).</summary>
    public TimeSpan CrlMaxAge { get; init; } = DefaultCrlMaxAge;

    public string Thumbprint { get; } = Ca.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
}

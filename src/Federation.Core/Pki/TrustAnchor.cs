using System.Security.Cryptography.X509Certificates;

namespace Federation.Core.Pki;

/// <summary>
/// An agency CA pinned as the only root accepted for one party (a peer node, or this node's own people), with the
/// CRL the operator configured for it, if any.
/// </summary>
public sealed record TrustAnchor(X509Certificate2 Ca, RevocationList? Crl = null)
{
    public string Thumbprint { get; } = Ca.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
}

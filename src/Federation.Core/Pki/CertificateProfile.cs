namespace Federation.Core.Pki;

/// <summary>What a certificate is for. Each profile fixes key usage and extended key usage, so a TLS client
/// certificate cannot sign envelopes and a signing certificate cannot open a TLS connection.</summary>
public enum CertificateProfile
{
    /// <summary>Node TLS server: EKU serverAuth, SAN localhost/127.0.0.1/::1 and the node URI.</summary>
    NodeTls,
    /// <summary>Node TLS client for calling peers: EKU clientAuth, SAN the node URI.</summary>
    NodeClient,
    /// <summary>CMS envelope signing: key usage digitalSignature + nonRepudiation, no EKU, SAN the node URI.</summary>
    NodeSigning,
    /// <summary>A person of the agency (smart-card style): EKU clientAuth, SAN a person URI.</summary>
    Person,
}

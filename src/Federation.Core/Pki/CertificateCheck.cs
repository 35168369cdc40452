namespace Federation.Core.Pki;

/// <summary>
/// The outcome of checking a certificate: accepted, or refused with one distinct, stable reason code that is
/// logged, returned in problem details and asserted by tests.
/// </summary>
public sealed record CertificateCheck(string? Reason, string Detail)
{
    public bool Accepted => Reason is null;

    public static CertificateCheck Ok(string detail = "") => new(null, detail);
    public static CertificateCheck Refused(string reason, string detail) => new(reason, detail);

    public override string ToString() => Accepted ? "accepted" : $"{Reason}: {Detail}";
}

/// <summary>The reason codes. Kept as strings: they travel in logs and problem details.</summary>
public static class RejectionReasons
{
    public const string CertificateMissing = "client-certificate-missing";
    public const string ChainUntrusted = "chain-untrusted";
    public const string NotTimeValid = "certificate-not-time-valid";
    public const string WrongUsage = "certificate-wrong-usage";
    public const string Revoked = "certificate-revoked";
    public const string CrlStale = "crl-stale";
    public const string CrlUnavailable = "crl-unavailable";
    /// <summary>A fetched CRL whose number (or thisUpdate) is not newer than the one held: a replay, never installed.</summary>
    public const string CrlNotNewer = "crl-not-newer";
    /// <summary>A distribution point answered with more than <c>Node:Certificates:CrlMaxBytes</c>.</summary>
    public const string CrlTooLarge = "crl-too-large";
    /// <summary>A distribution point did not deliver the whole CRL within <c>Node:Certificates:CrlFetchTimeoutSeconds</c>.</summary>
    public const string CrlTimeout = "crl-timeout";
    public const string NoNodeIdentity = "no-node-identity";
    public const string PeerNotConfigured = "peer-not-configured";
    public const string NotAPerson = "not-a-person-certificate";
    public const string PersonNotConfigured = "person-not-configured";
}

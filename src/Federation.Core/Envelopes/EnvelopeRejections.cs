namespace Federation.Core.Envelopes;

/// <summary>
/// Why an envelope was refused: one stable code per check, logged, returned in problem details and asserted by
/// tests; the same codes as the descriptor checks where the check is the same. Certificate checks add the codes of
/// <see cref="Pki.RejectionReasons"/>: chain-untrusted, certificate-not-time-valid, certificate-revoked, crl-stale, and
/// certificate-wrong-usage (no digitalSignature key usage, or an extended key usage: only signing certificates sign).
/// </summary>
public static class EnvelopeRejections
{
    /// <summary>Not a CMS SignedData, not DER/BER, or content attached where detached was expected (or vice versa).</summary>
    public const string Malformed = "envelope-malformed";
    /// <summary>Not exactly one SignerInfo: a second signer could carry a weaker algorithm or another identity.</summary>
    public const string SignerCount = "signer-count";
    /// <summary>No signed attributes: nothing binds the content type to the signature, so a signature made for one kind could be replayed as another.</summary>
    public const string SignedAttributesMissing = "signed-attributes-missing";
    /// <summary>A required signed attribute missing, repeated, or with other than one value (RFC 5652 §11).</summary>
    public const string SignedAttributesInvalid = "signed-attributes-invalid";
    /// <summary>eContentType or the content-type attribute is not the kind of envelope expected.</summary>
    public const string ContentTypeNotOurs = "content-type-not-ours";
    public const string SigningTimeMissing = "signing-time-missing";
    public const string DigestNotAllowed = "digest-not-allowed";
    public const string SignatureAlgorithmNotAllowed = "signature-algorithm-not-allowed";
    public const string SignerCertificateMissing = "signer-certificate-missing";
    /// <summary>The content's digest is not the signed message digest: the content was changed.</summary>
    public const string ContentDigestMismatch = "content-digest-mismatch";
    public const string SignatureInvalid = "signature-invalid";
    /// <summary>The signer certificate's URI SAN does not name the node the envelope claims to come from.</summary>
    public const string SignerNotOrigin = "signer-not-origin";
    /// <summary>The signing time attribute lies outside the signer certificate's validity.</summary>
    public const string SigningTimeOutsideValidity = "signing-time-outside-validity";
}

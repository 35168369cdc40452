namespace Federation.Core.Releases;

/// <summary>
/// Why a correctly signed release was refused. Signature and certificate refusals use
/// <see cref="Envelopes.EnvelopeRejections"/> and <see cref="Pki.RejectionReasons"/>.
/// </summary>
public static class ReleaseRejections
{
    /// <summary>The signed bytes are not a valid, canonical release.</summary>
    public const string Malformed = "release-malformed";
    /// <summary>The release names another origin than the node it was expected from.</summary>
    public const string OriginMismatch = "release-origin-mismatch";
    /// <summary>The release belongs to another list (or origin) than the last accepted state passed in.</summary>
    public const string ListMismatch = "release-list-mismatch";
    /// <summary>The release's own expiry has passed: a frozen or stale list.</summary>
    public const string Expired = "release-expired";
    /// <summary>The same signed content as the last accepted release, whatever CMS blob wraps it (unsigned attributes can be changed without breaking the signature).</summary>
    public const string Duplicate = "release-duplicate";
    /// <summary>The version is not greater than the last accepted one: a rollback or replay.</summary>
    public const string VersionNotIncreasing = "release-version-not-increasing";
    /// <summary>The previous-release digest is not the last accepted release: the hash chain is broken.</summary>
    public const string PreviousDigestMismatch = "release-previous-digest-mismatch";
}

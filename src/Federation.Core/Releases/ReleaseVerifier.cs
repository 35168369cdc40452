using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Pki;

namespace Federation.Core.Releases;

/// <summary>
/// Verifies a signed hash-list release from <c>origin</c>: the detached CMS signature (every check of
/// <see cref="EnvelopeVerifier"/>, content type <see cref="FederationOids.HashListRelease"/>), the release's own
/// structure, and the list rules against the last accepted state: same origin and list, not the same content again,
/// version greater, previous digest = the last accepted release, and, last, not expired. The release is streamed once.
/// </summary>
/// <remarks>
/// Duplicate detection here covers the last accepted release; a node also looks the <see cref="ContentDigest"/> up in
/// its content-addressed store, which covers every release it ever accepted.
/// </remarks>
public sealed class ReleaseVerifier(TimeProvider time)
{
    private readonly EnvelopeVerifier _envelopes = new(time);

    /// <param name="release">The release bytes, read once to the end.</param>
    /// <param name="signature">The detached CMS SignedData (DER).</param>
    /// <param name="originCa">The origin's pinned agency CA (with its CRL, if any).</param>
    /// <param name="origin">The node the release is expected from.</param>
    /// <param name="lastAccepted">The last release accepted for this list; null if none (the first one seen).</param>
    public async Task<ReleaseCheck> VerifyAsync(Stream release, ReadOnlyMemory<byte> signature, TrustAnchor originCa, NodeId origin,
        ReleaseChainState? lastAccepted, CancellationToken ct = default)
    {
        ReleaseReader? reader = null;
        ReleaseFormatException? malformed = null;
        var policy = new EnvelopePolicy(FederationOids.HashListRelease, origin, originCa);
        var envelope = await _envelopes.VerifyDetachedAsync(signature, release, policy, async (content, token) =>
        {
            // Parse in the digesting pass, but report a malformed release only once the signature is known to hold:
            // an unauthenticated sender learns nothing from the parser.
            try
            {
                reader = await ReleaseReader.OpenAsync(content, token).ConfigureAwait(false);
                await foreach (var _ in reader.ReadChangesAsync(token).ConfigureAwait(false)) { }
            }
            catch (ReleaseFormatException e)
            {
                malformed = e;
            }
        }, ct).ConfigureAwait(false);

        if (!envelope.Accepted) return new ReleaseCheck(envelope.Reason, envelope.Detail);
        if (malformed is not null || reader is null)
        {
            envelope.Signer?.Dispose();
            return new ReleaseCheck(ReleaseRejections.Malformed, malformed?.Message ?? "the release could not be read");
        }

        var header = reader.Header;
        var summary = new ReleaseSummary(header, reader.Added, reader.Withdrawn, envelope.ContentDigest, envelope.ContentLength);
        if (CheckRules(summary, origin, lastAccepted) is { } refusal)
        {
            if (refusal.Reason == ReleaseRejections.Expired)
                return refusal with { Release = summary, Signer = envelope.Signer, SigningTime = envelope.SigningTime };
            envelope.Signer?.Dispose();
            return refusal with { Release = summary };
        }
        return new ReleaseCheck(null,
            $"{header.Origin}/{header.List} version {header.Version}: {summary.Added} added, {summary.Withdrawn} withdrawn, sha256 {summary.Digest}, expires {header.Expires:yyyy-MM-ddTHH:mm:ssZ}; {envelope.Detail}")
        {
            Release = summary,
            Signer = envelope.Signer,
            SigningTime = envelope.SigningTime,
        };
    }

    private ReleaseCheck? CheckRules(ReleaseSummary release, NodeId origin, ReleaseChainState? last)
    {
        var h = release.Header;
        if (h.Origin != origin)
            return new ReleaseCheck(ReleaseRejections.OriginMismatch, $"the release names origin {h.Origin}, but it was expected from {origin}");
        return ChainRules(release, last) ?? Freshness(h);
    }

    private static ReleaseCheck? ChainRules(ReleaseSummary release, ReleaseChainState? last)
    {
        var h = release.Header;
        if (last is null) return null;
        if (last.List != h.List || last.Origin != h.Origin)
            return new ReleaseCheck(ReleaseRejections.ListMismatch, $"the release is of {h.Origin}/{h.List}, the last accepted state of {last.Origin}/{last.List}");
        if (release.Digest == last.Digest)
            return new ReleaseCheck(ReleaseRejections.Duplicate, $"{h.Origin}/{h.List} version {h.Version} (sha256 {release.Digest}) was already accepted");
        // TUF §5.3.5-style rollback protection: strictly greater, never equal.
        if (h.Version <= last.Version)
            return new ReleaseCheck(ReleaseRejections.VersionNotIncreasing, $"version {h.Version} is not greater than the accepted version {last.Version}");
        if (h.Previous != last.Digest)
            return new ReleaseCheck(ReleaseRejections.PreviousDigestMismatch,
                $"version {h.Version} follows {(h.Previous is { } p ? p.Hex : "nothing")}, but the accepted version {last.Version} is {last.Digest}");
        return null;
    }

    /// <summary>Checked after every other rule, so a release refused as expired is known to be the chain's next
    /// (see <see cref="ReleaseCheck.ExpiredOnly"/>).</summary>
    private ReleaseCheck? Freshness(ReleaseHeader h) =>
        // Freshness comes from the signed expiry, never from the signing-time attribute, which a signer sets at will and which says nothing about the list's age.
        time.GetUtcNow() > h.Expires
            ? new ReleaseCheck(ReleaseRejections.Expired, $"{h.Origin}/{h.List} version {h.Version} expired at {h.Expires:O}")
            : null;
}

using System.Security.Cryptography.X509Certificates;

namespace Federation.Core.Releases;

/// <summary>
/// The outcome of verifying a signed release: accepted with its summary, or refused with one reason code
/// (<see cref="ReleaseRejections"/>, <see cref="Envelopes.EnvelopeRejections"/> or <see cref="Pki.RejectionReasons"/>).
/// </summary>
public sealed record ReleaseCheck(string? Reason, string Detail)
{
    public bool Accepted => Reason is null;

    /// <summary>The release (accepted, and refusals found after the signature held: expired, rollback, ...).</summary>
    public ReleaseSummary? Release { get; init; }

    /// <summary>
    /// Refused only because it expired: signature, origin and chain all hold (expiry is the last rule checked). A holder
    /// of the list may record such a release to keep the chain, since the next release's changes are relative to it,
    /// but must not match its entries.
    /// </summary>
    public bool ExpiredOnly => Reason == ReleaseRejections.Expired && Release is not null;

    /// <summary>The signer's certificate (accepted releases, and <see cref="ExpiredOnly"/> ones).</summary>
    public X509Certificate2? Signer { get; init; }

    public DateTimeOffset SigningTime { get; init; }

    public override string ToString() => Accepted ? $"accepted: {Detail}" : $"{Reason}: {Detail}";
}

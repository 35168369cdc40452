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

    /// <summary>The signer's certificate (accepted releases only).</summary>
    public X509Certificate2? Signer { get; init; }

    public DateTimeOffset SigningTime { get; init; }

    public override string ToString() => Accepted ? $"accepted: {Detail}" : $"{Reason}: {Detail}";
}

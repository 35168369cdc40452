using System.Security.Cryptography.X509Certificates;

namespace Federation.Core.Envelopes;

/// <summary>
/// The outcome of verifying an envelope: accepted, or refused with one reason code from
/// <see cref="EnvelopeRejections"/> or <see cref="Pki.RejectionReasons"/> and a detail for the log.
/// </summary>
public sealed record EnvelopeCheck(string? Reason, string Detail)
{
    public bool Accepted => Reason is null;

    /// <summary>The signer's certificate (accepted envelopes only); the caller may dispose it.</summary>
    public X509Certificate2? Signer { get; init; }

    /// <summary>The signing-time attribute. Not a freshness signal: freshness comes from signed payload fields (the signer sets this attribute at will).</summary>
    public DateTimeOffset SigningTime { get; init; }

    /// <summary>SHA-256 of the signed content: the key for duplicate detection and content addressing.</summary>
    public ContentDigest ContentDigest { get; init; }

    /// <summary>The length of the signed content in bytes.</summary>
    public long ContentLength { get; init; }

    /// <summary>The content of an attached envelope; empty for detached ones.</summary>
    public ReadOnlyMemory<byte> Content { get; init; }

    internal static EnvelopeCheck Refused(string reason, string detail) => new(reason, detail);

    public override string ToString() => Accepted ? $"accepted ({Detail})" : $"{Reason}: {Detail}";
}

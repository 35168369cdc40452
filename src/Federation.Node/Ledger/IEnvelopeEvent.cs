namespace Federation.Node.Ledger;

/// <summary>
/// An event that records a signed envelope (a release, a case message, a receipt). Its log leaf then commits to
/// the digest of the envelope's <em>signed content</em> too — never to the CMS blob, which is malleable (unsigned
/// attributes and the certificate bag can change without breaking the signature).
/// </summary>
public interface IEnvelopeEvent
{
    /// <summary>SHA-256 of the envelope's signed content (encapsulated or detached), 32 bytes.</summary>
    ReadOnlyMemory<byte> SignedContentSha256 { get; }
}

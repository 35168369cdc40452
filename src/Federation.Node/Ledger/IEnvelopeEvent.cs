namespace Federation.Node.Ledger;

/// <summary>
/// An event that records a signed envelope (a release, a case message, a receipt). Its log leaf then commits to
/// the digest of the envelope's <em>signed content</em> too — never to the CMS blob, which is malleable (unsigned
/// attributes and the certificate bag can change without breaking the signature). The blob's address and the
/// signer are kept beside the leaf so that an audit export can carry the envelope and an auditor can check its
/// signature offline; a swapped blob then shows as a content digest that no longer matches the leaf.
/// </summary>
public interface IEnvelopeEvent
{
    /// <summary>SHA-256 of the envelope's signed content (encapsulated or detached), 32 bytes. For a detached
    /// envelope this is also the address of the content blob.</summary>
    ReadOnlyMemory<byte> SignedContentSha256 { get; }

    /// <summary>Lower-case hex SHA-256 of the stored CMS SignedData blob (<c>fed.blobs</c>).</summary>
    string EnvelopeBlobSha256 { get; }

    /// <summary>The node whose signing certificate signed the envelope.</summary>
    string SignedBy { get; }
}

using Federation.Node.Ledger;

namespace Federation.Node.Lists;

/// <summary>
/// A hash list as this node holds it — its own or a peer's — keyed <c>&lt;origin&gt;/&lt;list-id&gt;</c>: the catalogue
/// entry and the chain state the next release must follow. A document (current state); the releases are events.
/// </summary>
public sealed record HashList(
    string Id,
    string Origin,
    string ListId,
    string Title,
    string Audience,
    string Tlp,
    long Version,
    string? LastDigest,
    DateTimeOffset? Expires,
    long ActiveEntries,
    DateTimeOffset Created,
    DateTimeOffset? Updated)
{
    public static string Key(string origin, string listId) => $"{origin}/{listId}";
    public static string Stream(string origin, string listId) => $"list:{origin}/{listId}";
}

/// <summary>A list was created on this node by one of its people.</summary>
public sealed record HashListCreated(string Origin, string ListId, string Title, string Audience, string Tlp, string By, DateTimeOffset At);

/// <summary>A release was packed, signed and stored by this node (its own list). Blobs are addressed by SHA-256.</summary>
public sealed record ReleasePublished(
    string Origin, string ListId, long Version, string ContentSha256, string SignatureSha256, string? PreviousSha256,
    long Added, long Withdrawn, long Size, DateTimeOffset Expires, string Audience, string Tlp, string By, DateTimeOffset At) : IEnvelopeEvent
{
    // Explicit, so that the serialized event (and so its data digest) stays exactly the fields above.
    ReadOnlyMemory<byte> IEnvelopeEvent.SignedContentSha256 => Convert.FromHexString(ContentSha256);
    string IEnvelopeEvent.EnvelopeBlobSha256 => SignatureSha256;
    string IEnvelopeEvent.SignedBy => Origin;
}

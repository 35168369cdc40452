using Federation.Node.Ledger;

namespace Federation.Node.Messaging;

/// <summary>
/// A peer's message was verified and accepted. <see cref="EnvelopeSha256"/> addresses the stored envelope (the item's
/// content digest); the ledger leaf commits to the signed document's digest (<see cref="SignedContentSha256"/>).
/// </summary>
public sealed record MessageReceived(
    string From, string Kind, string Id, string Type, string EnvelopeSha256, byte[] DocumentSha256, DateTimeOffset Created, DateTimeOffset Expires,
    long FeedPosition, string Via, string SignerSubject, DateTimeOffset At) : IEnvelopeEvent
{
    public static string Stream(string from) => "messages:" + from;

    ReadOnlyMemory<byte> IEnvelopeEvent.SignedContentSha256 => DocumentSha256;
    string IEnvelopeEvent.EnvelopeBlobSha256 => EnvelopeSha256;
    string IEnvelopeEvent.SignedBy => From;
}

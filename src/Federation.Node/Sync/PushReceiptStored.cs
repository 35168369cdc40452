using Federation.Node.Ledger;

namespace Federation.Node.Sync;

/// <summary>
/// The sender holds a valid receipt for its push of an item to <see cref="Recipient"/>: the recipient received it at
/// <see cref="ReceivedAt"/> (its signed time; legal clocks start there). The receipt envelope is the blob
/// <see cref="ReceiptSha256"/>; the ledger leaf commits to the receipt's signed content.
/// </summary>
public sealed record PushReceiptStored(
    string Recipient, string Kind, string ItemId, long FeedPosition, string ContentSha256, string ReceiptSha256, byte[] ReceiptContentSha256,
    DateTimeOffset ReceivedAt, DateTimeOffset VerifiedAt) : IEnvelopeEvent
{
    public static string Stream(string recipient) => "outbox:" + recipient;

    ReadOnlyMemory<byte> IEnvelopeEvent.SignedContentSha256 => ReceiptContentSha256;
    string IEnvelopeEvent.EnvelopeBlobSha256 => ReceiptSha256;
    string IEnvelopeEvent.SignedBy => Recipient;
}

using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Pki;

namespace Federation.Node.Sync;

/// <summary>
/// The signed content of a receipt (docs/formats.md §5): the receiver says it holds, verified and applied, the item
/// <see cref="Kind"/>/<see cref="ItemId"/> whose object has SHA-256 <see cref="Sha256"/>, sent by <see cref="Sender"/>
/// from its feed position <see cref="Position"/>, since <see cref="Received"/>. Legal clocks start at
/// <see cref="Received"/>, so it is signed by the receiver, never taken from the sender's own clock.
/// </summary>
public sealed record PushReceipt(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("receiver")] string Receiver,
    [property: JsonPropertyName("sender")] string Sender,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("item")] string ItemId,
    [property: JsonPropertyName("position")] long Position,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("received")] DateTimeOffset Received)
{
    public const int CurrentVersion = 1;
    public const string MediaType = "application/pkcs7-mime; smime-type=signed-data";

    private static readonly JsonSerializerOptions Options = new() { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>The receipt as an attached CMS envelope signed with <paramref name="signingCertificate"/>.</summary>
    public byte[] Sign(X509Certificate2 signingCertificate, TimeProvider time) =>
        new EnvelopeSigner(signingCertificate, time).SignAttached(FederationOids.Receipt, JsonSerializer.SerializeToUtf8Bytes(this, Options));

    /// <summary>The outcome of checking a receipt: accepted with its content, or the reason it is not.</summary>
    public sealed record Check(PushReceipt? Receipt, string? Reason, string Detail, byte[] ContentSha256)
    {
        public bool Accepted => Reason is null;
    }

    /// <summary>
    /// Verifies a receipt for the push of <paramref name="expected"/> to <paramref name="receiver"/>: the envelope
    /// (receipt content type, signed by the receiver's signing certificate under its pinned CA), and that the document
    /// names this receiver, this sender, and the pushed item's kind, id, position and digest.
    /// </summary>
    public static Check Verify(byte[] envelope, NodeId receiver, TrustAnchor receiverCa, PushReceipt expected, TimeProvider time)
    {
        var check = new EnvelopeVerifier(time).VerifyAttached(envelope, new EnvelopePolicy(FederationOids.Receipt, receiver, receiverCa));
        if (!check.Accepted) return new(null, check.Reason, check.Detail, []);
        check.Signer?.Dispose();
        PushReceipt? receipt;
        try
        {
            receipt = JsonSerializer.Deserialize<PushReceipt>(check.Content.Span, Options);
        }
        catch (JsonException e)
        {
            return new(null, "receipt-malformed", e.Message, []);
        }
        if (receipt is null || receipt.Version != CurrentVersion) return new(null, "receipt-malformed", "not a version 1 receipt", []);
        var mismatch =
            receipt.Receiver != receiver.Value ? $"names receiver {receipt.Receiver}"
            : receipt.Sender != expected.Sender ? $"names sender {receipt.Sender}"
            : receipt.Kind != expected.Kind || receipt.ItemId != expected.ItemId ? $"names item {receipt.Kind}/{receipt.ItemId}"
            : receipt.Position != expected.Position ? $"names position {receipt.Position}"
            : receipt.Sha256 != expected.Sha256 ? $"names object {receipt.Sha256}"
            : null;
        return mismatch is null
            ? new(receipt, null, check.Detail, check.ContentDigest.ToArray())
            : new(null, "receipt-mismatch", $"the receipt {mismatch}, not the push of {expected.Kind}/{expected.ItemId} (sha256 {expected.Sha256}) from {expected.Sender} to {receiver}", []);
    }
}

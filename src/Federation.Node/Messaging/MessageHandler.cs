using Federation.Core.Envelopes;
using Federation.Node.Storage;
using Federation.Node.Sync;

namespace Federation.Node.Messaging;

/// <summary>
/// Base of every message kind's handler. It does what all messages need, strictly and in this order: the attached CMS
/// envelope (<see cref="EnvelopeVerifier.VerifyAttached"/>: the kind's content type, signer = the sending peer, its
/// pinned CA); the signed document (kind and id as the feed says, from = the peer, this node among the recipients, not
/// expired, not from the future); then the kind's own <see cref="ApplyAsync"/>; and last the envelope as a blob and a
/// <see cref="MessageReceived"/> event, so every message a node accepted is in its ledger with its signed digest.
/// </summary>
public abstract class MessageHandler(MessageKind kind, TimeProvider time) : IItemHandler
{
    /// <summary>How far in the future a message's creation time may lie (clock skew between agencies).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public const string MediaType = "application/pkcs7-mime; smime-type=signed-data";

    public MessageKind MessageKind => kind;

    public string Kind => kind.Name;

    /// <summary>
    /// The kind's own rules and state change, in the reception's transaction, after the envelope and the document have
    /// been verified. Return a refusal to apply nothing (write nothing before deciding), or null to accept.
    /// </summary>
    protected abstract Task<ItemRefusal?> ApplyAsync(ItemReception reception, ReceivedMessage message, CancellationToken ct);

    public async Task<ItemRefusal?> ReceiveAsync(ItemReception reception, ReceivedItem item, CancellationToken ct)
    {
        if (item.Signature is not null) return new(EnvelopeRejections.Malformed, "a message is an attached envelope; its item names no detached signature");
        var peer = reception.Peer;
        var check = new EnvelopeVerifier(time).VerifyAttached(item.Content, new EnvelopePolicy(kind.ContentType, peer.NodeId, peer.Anchor));
        if (!check.Accepted) return new(check.Reason!, check.Detail);
        using var signer = check.Signer;

        MessageDocument doc;
        try
        {
            doc = MessageDocument.Parse(check.Content.Span);
        }
        catch (FormatException e)
        {
            return new("message-malformed", e.Message);
        }
        var me = reception.Settings.NodeId.Value;
        if (doc.Kind != kind.Name) return new("message-kind-mismatch", $"the signed message is of kind '{doc.Kind}', delivered as '{kind.Name}'");
        if (doc.Id != item.Entry.Id) return new("message-id-mismatch", $"the signed message is '{doc.Id}', delivered as '{item.Entry.Id}'");
        if (doc.From != peer.NodeId.Value) return new("signer-not-origin", $"the message says it is from {doc.From}, but {peer.NodeId} signed and sent it");
        if (!doc.To.Contains(me)) return new("not-in-audience", $"the message is for {string.Join(", ", doc.To)}, not for {me}");
        var now = time.GetUtcNow();
        if (now > doc.Expires) return new("message-expired", $"the message expired at {doc.Expires:O}");
        if (doc.Created > now + MaxClockSkew) return new("message-from-the-future", $"the message was created at {doc.Created:O}, after now ({now:O})");

        var message = new ReceivedMessage(doc, item.Entry.ContentSha256, item.Content, signer!.Subject, item.Via);
        if (await ApplyAsync(reception, message, ct) is { } refusal) return refusal;

        await Blobs.PutAsync(reception.Connection, reception.Transaction, reception.Schema, item.Entry.ContentSha256, MediaType, item.Content, ct);
        await StreamLock.HoldAsync(reception.Connection, reception.Transaction, MessageReceived.Stream(doc.From), ct);
        reception.Session.Events.Append(MessageReceived.Stream(doc.From), new MessageReceived(doc.From, doc.Kind, doc.Id, doc.Type,
            item.Entry.ContentSha256, check.ContentDigest.ToArray(), doc.Created, doc.Expires, item.Entry.Position, item.Via, signer.Subject, reception.Now));
        return null;
    }
}

namespace Federation.Node.Messaging;

/// <summary>A verified message handed to its kind's handler: the signed document, the envelope's digest (the item's
/// content address) and bytes, the signer's subject, and whether it came by "push" or "pull".</summary>
public sealed record ReceivedMessage(MessageDocument Document, string EnvelopeSha256, byte[] Envelope, string SignerSubject, string Via);

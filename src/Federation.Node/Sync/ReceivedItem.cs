namespace Federation.Node.Sync;

/// <summary>
/// An item as a peer delivered it: its feed metadata (unsigned, so checked against the objects) and the signed objects
/// it names — the content, and for detached envelopes (releases) the signature. <paramref name="Via"/> is "pull" or "push".
/// </summary>
public sealed record ReceivedItem(FeedApi.FeedEntry Entry, byte[] Content, byte[]? Signature, string Via);

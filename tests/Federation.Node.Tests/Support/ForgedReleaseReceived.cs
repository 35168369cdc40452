namespace Federation.Node.Tests.Forged;

/// <summary>Named like the node's <c>ReleaseReceived</c> (so logged as <c>release_received</c>), but carrying no
/// envelope: what a row written without the signed release it claims looks like to the ledger.</summary>
public sealed record ReleaseReceived(string Origin, string ListId, long Version, string ContentSha256, DateTimeOffset At);

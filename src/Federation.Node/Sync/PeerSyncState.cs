using Federation.Node.Ledger;

namespace Federation.Node.Sync;

/// <summary>How far this node has pulled a peer's feed, and how that went: the cursor moves in the same transaction
/// as the page it covers, so a crash mid-sync resumes exactly where it stopped. <see cref="LastReason"/> is the stable code of the
/// last failure (<c>object-too-large</c>, <c>peer-too-slow</c>, …), <see cref="LastError"/> the same with its detail.</summary>
public sealed record PeerSyncState(
    string Id,
    long Cursor,
    long Head,
    DateTimeOffset? LastSuccess,
    DateTimeOffset? LastAttempt,
    string? LastError,
    int ConsecutiveFailures,
    long ItemsReceived,
    long BytesReceived,
    long ItemsQuarantined,
    string? LastReason = null)
{
    public long Lag => Math.Max(0, Head - Cursor);

    public static PeerSyncState New(string peer) => new(peer, 0, 0, null, null, null, 0, 0, 0, 0);

    /// <summary>Healthy until <paramref name="unhealthyAfter"/> pulls in a row have failed; <see cref="LastReason"/> says why.</summary>
    public bool Healthy(int unhealthyAfter) => ConsecutiveFailures < unhealthyAfter;
}

/// <summary>A peer's release was pulled, verified against the peer's pinned CA and the list's chain, and applied.
/// <paramref name="ExpiredOnArrival"/>: it had expired before it arrived; it is applied so that the list's chain and
/// entries stay whole for the next release, but the list does not match until a release that has not expired.</summary>
public sealed record ReleaseReceived(
    string Origin, string ListId, long Version, string ContentSha256, string SignatureSha256, long Added, long Withdrawn,
    DateTimeOffset Expires, long FeedPosition, string SignerSubject, DateTimeOffset At, bool ExpiredOnArrival = false) : IEnvelopeEvent
{
    ReadOnlyMemory<byte> IEnvelopeEvent.SignedContentSha256 => Convert.FromHexString(ContentSha256);
    string IEnvelopeEvent.EnvelopeBlobSha256 => SignatureSha256;
    string IEnvelopeEvent.SignedBy => Origin;
}

/// <summary>An item a peer served failed verification: recorded with its reason and digest, not applied.</summary>
public sealed record ItemQuarantined(string Peer, long FeedPosition, string Kind, string ItemId, string ContentSha256, string Reason, string Detail, DateTimeOffset At);

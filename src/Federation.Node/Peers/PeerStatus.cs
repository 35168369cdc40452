using Federation.Core.Descriptors;

namespace Federation.Node.Peers;

/// <summary>What this node last saw of a peer: the seed of sync health. A document, not an event: it is state
/// that is overwritten every refresh; the facts (a new verified descriptor) are events.</summary>
public sealed record PeerStatus(
    string Id,
    DateTimeOffset? LastContact,
    DateTimeOffset? LastSuccess,
    string? LastError,
    int ConsecutiveFailures,
    string? DescriptorDigest,
    NodeDescriptor? Descriptor);

/// <summary>A peer's signed descriptor was fetched over mTLS, verified against its pinned CA, and differs from the
/// last one accepted.</summary>
public sealed record PeerDescriptorAccepted(string PeerId, string DescriptorDigest, string SignerSubject, DateTimeOffset At);

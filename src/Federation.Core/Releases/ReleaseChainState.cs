using Federation.Core.Envelopes;
using Federation.Core.Identity;

namespace Federation.Core.Releases;

/// <summary>The last release a consumer accepted for one list: what the next release must follow.</summary>
public sealed record ReleaseChainState(ListId List, NodeId Origin, ReleaseVersion Version, ContentDigest Digest)
{
    public static ReleaseChainState Of(ReleaseSummary accepted) =>
        new(accepted.Header.List, accepted.Header.Origin, accepted.Header.Version, accepted.Digest);
}

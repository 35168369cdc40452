using Federation.Core.Envelopes;
using Federation.Core.Identity;

namespace Federation.Core.Releases;

/// <summary>
/// What a release says about itself: which list of which origin, its version, the digest of the release before it
/// (the hash chain; absent exactly for version 1), when it was made and when a consumer must stop trusting the list
/// unless a newer release arrived (the freeze defence, TUF §5.3.10 analogue), who may receive it, and its TLP label.
/// Times are whole seconds in UTC: sub-second parts are dropped on construction, as the format has none.
/// </summary>
public sealed record ReleaseHeader
{
    public ListId List { get; }
    public NodeId Origin { get; }
    public ReleaseVersion Version { get; }
    public ContentDigest? Previous { get; }
    public DateTimeOffset Created { get; }
    public DateTimeOffset Expires { get; }
    public Audience Audience { get; }
    public TlpLabel Tlp { get; }

    public ReleaseHeader(ListId list, NodeId origin, ReleaseVersion version, ContentDigest? previous,
        DateTimeOffset created, DateTimeOffset expires, Audience audience, TlpLabel tlp)
    {
        if (list.Value.Length == 0) throw new ArgumentException("a release needs a list id", nameof(list));
        if (string.IsNullOrEmpty(origin.Value)) throw new ArgumentException("a release needs an origin", nameof(origin));
        if (version.Value < 1) throw new ArgumentException("a release needs a version", nameof(version));
        if (version == ReleaseVersion.First && previous is not null)
            throw new ArgumentException("version 1 starts a list: it has no previous release", nameof(previous));
        if (version != ReleaseVersion.First && previous is null)
            throw new ArgumentException($"version {version} must name the digest of the release before it", nameof(previous));
        if (tlp.Code == 0) throw new ArgumentException("a release needs a TLP label", nameof(tlp));
        if (audience.Peers.Count > ReleaseFormat.MaxPeers)
            throw new ArgumentException($"an audience names at most {ReleaseFormat.MaxPeers} peers", nameof(audience));
        created = WholeSeconds(created);
        expires = WholeSeconds(expires);
        if (expires <= created) throw new ArgumentException($"the release expires ({expires:O}) before it is created ({created:O})", nameof(expires));

        List = list;
        Origin = origin;
        Version = version;
        Previous = previous;
        Created = created;
        Expires = expires;
        Audience = audience;
        Tlp = tlp;
    }

    private static DateTimeOffset WholeSeconds(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());
}

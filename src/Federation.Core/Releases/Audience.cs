using Federation.Core.Identity;

namespace Federation.Core.Releases;

/// <summary>
/// Who may receive a release: every peer of the federation (<c>all-peers</c>, the default value) or the named peer
/// nodes only. Held canonically: node ids distinct and sorted by ordinal, joined by ','.
/// </summary>
public readonly record struct Audience
{
    public const string AllPeersText = "all-peers";

    private readonly string? _peers;

    private Audience(string peers) => _peers = peers;

    public static Audience AllPeers => default;

    public bool IsAllPeers => _peers is null;

    /// <summary>The named peers; empty for all-peers.</summary>
    public IReadOnlyList<NodeId> Peers => _peers is null ? [] : _peers.Split(',').Select(NodeId.Parse).ToList();

    public static Audience Named(IEnumerable<NodeId> peers)
    {
        var ids = peers.Select(p => p.Value).ToArray();
        if (ids.Length == 0) throw new ArgumentException("a named audience needs at least one peer", nameof(peers));
        Array.Sort(ids, StringComparer.Ordinal);
        for (var i = 1; i < ids.Length; i++)
        {
            if (ids[i] == ids[i - 1]) throw new FormatException($"the peer '{ids[i]}' is named twice in the audience");
        }
        return new Audience(string.Join(',', ids));
    }

    /// <summary><c>all-peers</c>, or node ids separated by ','.</summary>
    public static Audience Parse(string text)
    {
        if (text == AllPeersText) return AllPeers;
        return Named(text.Split(',', StringSplitOptions.TrimEntries).Select(id =>
            NodeId.TryParse(id, out var node) ? node : throw new FormatException($"the audience names '{SignalValue.Shorten(id)}', which is not a node id (or use '{AllPeersText}')")));
    }

    public bool Includes(NodeId node) => _peers is null || Peers.Contains(node);

    public override string ToString() => _peers ?? AllPeersText;
}

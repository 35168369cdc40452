namespace Federation.Node.Peers;

/// <summary>
/// A peer's answer broke a bound this node sets on what it reads from peers (size, depth, pace). One exception for
/// every caller (pull, descriptor refresh, witnessing, push receipts), so each records the same stable
/// <see cref="Reason"/> in peer health and logs.
/// </summary>
public sealed class PeerAnswerRefused(string reason, string detail) : Exception($"{reason}: {detail}")
{
    public const string ObjectTooLarge = "object-too-large";
    public const string FeedPageTooLarge = "feed-page-too-large";
    public const string DescriptorTooLarge = "descriptor-too-large";
    public const string AnswerTooLarge = "answer-too-large";
    public const string JsonTooDeep = "json-too-deep";
    public const string PeerTooSlow = "peer-too-slow";

    /// <summary>A stable code (<c>object-too-large</c>, <c>peer-too-slow</c>, …).</summary>
    public string Reason { get; } = reason;

    public string Detail { get; } = detail;
}

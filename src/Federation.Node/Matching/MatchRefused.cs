namespace Federation.Node.Matching;

/// <summary>A match request that cannot be answered as asked: an RFC 9457 problem's status and stable reason.</summary>
public sealed class MatchRefused(int status, string reason, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Reason { get; } = reason;
}

using Federation.Node.Matching;

namespace Federation.Node.Console.Match;

/// <summary>What the results partial shows: the answer, and what this person may do from a hit.</summary>
/// <param name="MaySendFeedback">Whether the person passes the feedback policy (officers).</param>
/// <param name="MayStartRequest">Whether the person passes the New request page's policy (officers).</param>
/// <param name="Self">This node: its own entries have no origin to send feedback or a request to.</param>
public sealed record MatchResults(MatchAnswer Answer, bool MaySendFeedback, bool MayStartRequest, string Self)
{
    public bool CanStartRequest(MatchAnswer.Hit hit) => MayStartRequest && hit.Origin != Self;
}

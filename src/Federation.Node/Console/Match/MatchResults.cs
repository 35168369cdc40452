using Federation.Node.Matching;

namespace Federation.Node.Console.Match;

/// <summary>What the results partial shows: the answer, and whether this person may send feedback on a hit.</summary>
public sealed record MatchResults(MatchAnswer Answer, bool MaySendFeedback);

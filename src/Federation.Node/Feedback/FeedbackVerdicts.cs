namespace Federation.Node.Feedback;

/// <summary>What an agency can say about another agency's entry after it matched.</summary>
public static class FeedbackVerdicts
{
    /// <summary>The media is what the entry says it is.</summary>
    public const string Confirmed = "confirmed";

    /// <summary>The match is wrong: the media is not what the entry describes (a collision, an unrelated image).</summary>
    public const string FalsePositive = "false-positive";

    /// <summary>The match is right, but the media is not illegal under this agency's law.</summary>
    public const string NotIllegalHere = "not-illegal-here";

    public static readonly IReadOnlyList<string> All = [Confirmed, FalsePositive, NotIllegalHere];

    public static bool IsKnown(string? verdict) => verdict is not null && All.Contains(verdict, StringComparer.Ordinal);
}

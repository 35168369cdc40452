using Federation.Node.Feedback;

namespace Federation.Node.Matching;

/// <summary>The answer to a match: per input, its hashes and every hit.</summary>
public sealed record MatchAnswer(IReadOnlyList<MatchAnswer.Input> Inputs)
{
    /// <param name="Name">The uploaded file's name, or null for hashes given directly.</param>
    /// <param name="PdqNote">Why there is no PDQ hash, or why it was not matched.</param>
    /// <param name="NotMatched">Lists that hold entries this input would have matched, and why they did not.</param>
    public sealed record Input(string? Name, long? Size, string? Sha256, string? Md5, string? Pdq, int? PdqQuality, string? PdqNote, IReadOnlyList<Hit> Hits,
        IReadOnlyList<NotMatched> NotMatched);

    /// <summary>A list whose entries would have matched, but were not: <c>list-expired</c>, the list's last release
    /// expired at <paramref name="Expires"/> (its entries are not shown).</summary>
    /// <param name="Hits">How many of its entries would have matched.</param>
    public sealed record NotMatched(string Origin, string ListId, string Reason, DateTimeOffset Expires, int Hits);

    public const string ListExpired = "list-expired";

    /// <summary>An active entry that matched.</summary>
    /// <param name="Signal">The signal that matched: <c>sha256</c>, <c>md5</c> or <c>pdq</c>.</param>
    /// <param name="Value">The entry's value (hex); for PDQ the indexed hash, which may differ from the query's.</param>
    /// <param name="Distance">PDQ Hamming distance (0 for an exact match).</param>
    /// <param name="Threshold">The list's PDQ threshold the distance was held to.</param>
    /// <param name="ReleaseVersion">The release of the list that last added or relabelled the entry.</param>
    /// <param name="Feedback">The latest verdict of each agency that sent feedback on this entry.</param>
    public sealed record Hit(
        string Signal, string Value, int Distance, int Threshold, string Origin, string ListId, long ReleaseVersion,
        string Classification, string? LegalBasis, string? Tags, IReadOnlyList<EntryVerdict> Feedback);
}

using Federation.Node.Feedback;

namespace Federation.Node.Matching;

/// <summary>The answer to a match: per input, its hashes and every hit.</summary>
public sealed record MatchAnswer(IReadOnlyList<MatchAnswer.Input> Inputs)
{
    /// <param name="Name">The uploaded file's name, or null for hashes given directly.</param>
    /// <param name="PdqNote">Why there is no PDQ hash, or why it was not matched.</param>
    public sealed record Input(string? Name, long? Size, string? Sha256, string? Md5, string? Pdq, int? PdqQuality, string? PdqNote, IReadOnlyList<Hit> Hits);

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

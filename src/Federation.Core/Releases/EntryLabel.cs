namespace Federation.Core.Releases;

/// <summary>
/// What an agency says about an entry: its classification, the legal basis it was listed under (optional, a
/// reference such as a statute article or a case file number), and tags. Labels are few and shared by many
/// entries, so the release format writes each distinct label once.
/// </summary>
public sealed record EntryLabel
{
    /// <summary>Legal-basis references are written with a one-byte length (UTF-8) in the release format.</summary>
    public const int MaxLegalBasisBytes = 255;

    public Classification Classification { get; }
    public string? LegalBasis { get; }
    public TagSet Tags { get; }

    /// <param name="legalBasis">Null or empty for none. Printable text without leading or trailing spaces.</param>
    public EntryLabel(Classification classification, string? legalBasis = null, TagSet tags = default)
    {
        if (classification.Value.Length == 0) throw new ArgumentException("an entry needs a classification", nameof(classification));
        Classification = classification;
        LegalBasis = string.IsNullOrEmpty(legalBasis) ? null : CheckLegalBasis(legalBasis);
        Tags = tags;
        _hash = HashCode.Combine(Classification, LegalBasis, Tags);
    }

    // Every entry of a release looks its label up (to intern it, to index it): hash the three strings once.
    private readonly int _hash;

    public override int GetHashCode() => _hash;

    public bool Equals(EntryLabel? other) =>
        ReferenceEquals(this, other)
        || other is not null && _hash == other._hash && Classification == other.Classification && LegalBasis == other.LegalBasis && Tags == other.Tags;

    private static string CheckLegalBasis(string text)
    {
        if (text.Trim().Length != text.Length)
            throw new FormatException($"the legal basis '{SignalValue.Shorten(text)}' has leading or trailing spaces");
        // Control characters would let a label forge lines in `fedctl list show` or in logs.
        if (text.Any(char.IsControl))
            throw new FormatException($"the legal basis '{SignalValue.Shorten(text)}' contains a control character");
        int bytes;
        try
        {
            bytes = ReleaseFormat.StrictUtf8.GetByteCount(text);
        }
        catch (ArgumentException)
        {
            throw new FormatException($"the legal basis '{SignalValue.Shorten(text)}' is not valid Unicode text");
        }
        if (bytes > MaxLegalBasisBytes)
            throw new FormatException($"the legal basis '{SignalValue.Shorten(text)}' is longer than {MaxLegalBasisBytes} bytes of UTF-8");
        return text;
    }
}

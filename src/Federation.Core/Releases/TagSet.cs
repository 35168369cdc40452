namespace Federation.Core.Releases;

/// <summary>
/// An entry's optional tags, held in one canonical form: distinct tags sorted by ordinal, joined by ';'.
/// A tag is lower-case letters, digits, '.', '_', ':' and '-', starting with a letter or digit. The default value
/// is the empty set.
/// </summary>
public readonly record struct TagSet
{
    public const int MaxTagLength = 64;
    /// <summary>The joined form is written with a one-byte length in the release format.</summary>
    public const int MaxJoinedLength = 255;

    private readonly string? _joined;

    private TagSet(string joined) => _joined = joined;

    public static TagSet Empty => default;

    /// <summary>The canonical joined form, "" for no tags.</summary>
    public string Value => _joined ?? "";

    public bool IsEmpty => _joined is null;

    public IReadOnlyList<string> Items => _joined is null ? [] : _joined.Split(';');

    /// <summary>Parses tags separated by ';' in any order. Duplicates, empty tags and bad characters are errors
    /// naming the tag.</summary>
    public static TagSet Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return default;
        var tags = text.Split(';');
        foreach (var tag in tags)
        {
            if (!Classification.IsCode(tag, MaxTagLength, extra: "._:-"))
                throw new FormatException($"'{SignalValue.Shorten(tag)}' is not a tag (lower-case letters, digits, '.', '_', ':', '-', at most {MaxTagLength} characters; tags are separated by ';')");
        }
        Array.Sort(tags, StringComparer.Ordinal);
        for (var i = 1; i < tags.Length; i++)
        {
            if (tags[i] == tags[i - 1]) throw new FormatException($"the tag '{tags[i]}' is given twice");
        }
        var joined = string.Join(';', tags);
        if (joined.Length > MaxJoinedLength) throw new FormatException($"the tags '{SignalValue.Shorten(text)}' are longer than {MaxJoinedLength} characters together");
        return new TagSet(joined);
    }

    /// <summary>Reads the canonical form back; anything not already canonical is refused.</summary>
    internal static bool TryParseCanonical(string joined, out TagSet tags)
    {
        tags = default;
        try
        {
            var parsed = Parse(joined);
            if (parsed.Value != joined) return false;
            tags = parsed;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public override string ToString() => Value;
}

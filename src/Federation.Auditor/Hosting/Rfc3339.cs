using System.Globalization;

namespace Federation.Auditor.Hosting;

/// <summary>The times an auditor types (<c>--fresh-since</c>): RFC 3339 date-times (§5.6), seconds required, a fraction
/// optional, and an explicit offset (<c>Z</c> or ±hh:mm), so a time is never read in the machine's own zone.</summary>
public static class Rfc3339
{
    private static readonly string[] Formats =
        ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"];

    public static DateTimeOffset? Parse(string text) =>
        // RFC 3339 §5.6 allows a lower-case t and z.
        DateTimeOffset.TryParseExact(text.ToUpperInvariant(), Formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
}

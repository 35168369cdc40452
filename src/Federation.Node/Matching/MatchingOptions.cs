using System.Globalization;
using Federation.Core.Matching;
using Federation.Node.Hosting;

namespace Federation.Node.Matching;

/// <summary>
/// <c>Node:Matching</c>: the PDQ thresholds (a default, and per list <c>&lt;origin&gt;/&lt;list-id&gt;</c>), and the
/// limits of an upload to <c>POST /api/v1/match</c>. An upload is held in memory while it is hashed, so the limits
/// bound the memory one request can take: <see cref="MaxFileBytes"/> per file, <see cref="MaxUploadBytes"/> in all.
/// </summary>
public sealed record MatchingOptions(
    int DefaultPdqThreshold,
    IReadOnlyDictionary<string, int> PdqThresholds,
    long MaxFileBytes,
    long MaxUploadBytes,
    int MaxInputs,
    long MaxPixels)
{
    public static MatchingOptions Load(IConfiguration configuration)
    {
        var s = configuration.GetSection("Node:Matching");
        var thresholds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var list in s.GetSection("PdqThresholds").GetChildren())
            thresholds[list.Key] = (int)Number(list, null, 0, 0, MatchIndex<int>.MaxPdqThreshold);
        var maxFile = Number(s, "MaxFileBytes", 64L * 1024 * 1024, 1024, 1L << 30);
        var options = new MatchingOptions(
            (int)Number(s, "DefaultPdqThreshold", MatchIndex<int>.ReferencePdqThreshold, 0, MatchIndex<int>.MaxPdqThreshold),
            thresholds,
            maxFile,
            Number(s, "MaxUploadBytes", 256L * 1024 * 1024, 1024, 4L << 30),
            (int)Number(s, "MaxInputs", 100, 1, 10_000),
            Number(s, "MaxPixels", PdqHasher.DefaultMaxPixels, 1, int.MaxValue / 4));
        if (options.MaxUploadBytes < maxFile)
            throw new NodeConfigurationException($"{s.Path}:MaxUploadBytes", s["MaxUploadBytes"], $"must be at least MaxFileBytes ({maxFile})");
        return options;
    }

    private static long Number(IConfigurationSection s, string? key, long fallback, long min, long max)
    {
        var text = key is null ? s.Value : s[key];
        var path = key is null ? s.Path : $"{s.Path}:{key}";
        if (text is null) return fallback;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new NodeConfigurationException(path, text, $"must be a whole number from {min} to {max}");
    }
}

using System.Globalization;
using Federation.Node.Hosting;

namespace Federation.Node.Lists;

/// <summary><c>Node:Lists</c>: how large an uploaded CSV may be, and how long a release stays valid by default.</summary>
public sealed record ListsOptions(long MaxUploadBytes, int DefaultLifetimeDays)
{
    public static ListsOptions Load(IConfiguration configuration)
    {
        var s = configuration.GetSection("Node:Lists");
        return new ListsOptions(
            Number(s, "MaxUploadBytes", 256L * 1024 * 1024, 1024, 4L * 1024 * 1024 * 1024),
            (int)Number(s, "DefaultLifetimeDays", 30, 1, 3650));
    }

    private static long Number(IConfigurationSection s, string key, long fallback, long min, long max)
    {
        if (s[key] is not { } text) return fallback;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new NodeConfigurationException($"{s.Path}:{key}", text, $"must be a whole number from {min} to {max}");
    }
}

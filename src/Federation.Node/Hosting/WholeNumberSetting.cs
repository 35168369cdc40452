using System.Globalization;

namespace Federation.Node.Hosting;

/// <summary>Reads a whole-number setting of a section: the fallback when it is absent, else a value in range, else a
/// <see cref="NodeConfigurationException"/> that names the key, the value and the range.</summary>
public static class WholeNumberSetting
{
    public static long Read(IConfigurationSection s, string key, long fallback, long min, long max)
    {
        if (s[key] is not { } text) return fallback;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new NodeConfigurationException($"{s.Path}:{key}", text, $"must be a whole number from {min} to {max}");
    }
}

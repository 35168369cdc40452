using System.Diagnostics.CodeAnalysis;

namespace Federation.Core.Releases;

/// <summary>
/// What an entry is: one of the federation's shared codes (<c>deepfake-ncii</c>, <c>ncii</c>, <c>csam</c>) or an
/// agency-defined code. A code is lower-case letters, digits, '.', '_' and '-', 1 to 64 characters, starting with a
/// letter or digit — so the CSV withdrawal marker <c>-withdraw</c> can never be a classification.
/// </summary>
public readonly record struct Classification
{
    public const int MaxLength = 64;

    public static readonly Classification DeepfakeNcii = new("deepfake-ncii");
    public static readonly Classification Ncii = new("ncii");
    public static readonly Classification Csam = new("csam");

    public string Value => _value ?? "";

    private readonly string? _value;

    private Classification(string value) => _value = value;

    public static Classification Parse(string value) =>
        TryParse(value, out var c) ? c : throw new FormatException(
            $"'{SignalValue.Shorten(value)}' is not a classification (deepfake-ncii, ncii, csam, or an agency code: lower-case letters, digits, '.', '_', '-', at most {MaxLength} characters)");

    public static bool TryParse([NotNullWhen(true)] string? value, out Classification classification)
    {
        classification = default;
        if (!IsCode(value, MaxLength, extra: "._-")) return false;
        classification = new Classification(value!);
        return true;
    }

    /// <summary>The shared code syntax of classifications and tags: starts with [a-z0-9], then [a-z0-9] or
    /// <paramref name="extra"/>.</summary>
    internal static bool IsCode(string? value, int maxLength, string extra)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength) return false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var ok = c is >= 'a' and <= 'z' or >= '0' and <= '9' || (i > 0 && extra.Contains(c));
            if (!ok) return false;
        }
        return true;
    }

    public override string ToString() => Value;
}

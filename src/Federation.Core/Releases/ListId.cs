using System.Diagnostics.CodeAnalysis;

namespace Federation.Core.Releases;

/// <summary>
/// The id of a hash list, unique within its origin node (the pair origin + list id names a list federation-wide),
/// such as <c>ncii-2026</c>. Lower-case letters, digits, '.', '_' and '-', 1 to 64 characters.
/// </summary>
public readonly record struct ListId
{
    public const int MaxLength = 64;

    public string Value => _value ?? "";

    private readonly string? _value;

    private ListId(string value) => _value = value;

    public static ListId Parse(string value) =>
        TryParse(value, out var id) ? id : throw new FormatException(
            $"'{SignalValue.Shorten(value)}' is not a valid list id (lower-case letters, digits, '.', '_', '-', 1-{MaxLength} characters, starting with a letter or digit)");

    public static bool TryParse([NotNullWhen(true)] string? value, out ListId id)
    {
        id = default;
        if (!Classification.IsCode(value, MaxLength, extra: "._-")) return false;
        id = new ListId(value!);
        return true;
    }

    public override string ToString() => Value;
}

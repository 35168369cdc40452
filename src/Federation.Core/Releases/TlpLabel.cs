using System.Diagnostics.CodeAnalysis;

namespace Federation.Core.Releases;

/// <summary>
/// A Traffic Light Protocol 2.0 label (FIRST, 2022): how far recipients may pass the release on. Written as
/// <c>TLP:AMBER+STRICT</c>; never translated. Each label has a one-byte code in the release format.
/// </summary>
public readonly record struct TlpLabel
{
    private static readonly string[] Names = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"];

    public static readonly TlpLabel Clear = new(1);
    public static readonly TlpLabel Green = new(2);
    public static readonly TlpLabel Amber = new(3);
    public static readonly TlpLabel AmberStrict = new(4);
    public static readonly TlpLabel Red = new(5);

    public byte Code { get; }

    private TlpLabel(byte code) => Code = code;

    /// <summary>The label without the <c>TLP:</c> prefix, e.g. <c>AMBER+STRICT</c>.</summary>
    public string Name => Code is >= 1 and <= 5 ? Names[Code - 1] : "?";

    /// <summary>Accepts <c>AMBER</c> or <c>TLP:AMBER</c>, in any case.</summary>
    public static TlpLabel Parse(string text) =>
        TryParse(text, out var label) ? label : throw new FormatException($"'{SignalValue.Shorten(text)}' is not a TLP 2.0 label (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)");

    public static bool TryParse([NotNullWhen(true)] string? text, out TlpLabel label)
    {
        label = default;
        if (text is null) return false;
        var name = text.StartsWith("TLP:", StringComparison.OrdinalIgnoreCase) ? text[4..] : text;
        var i = Array.FindIndex(Names, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (i < 0) return false;
        label = new TlpLabel((byte)(i + 1));
        return true;
    }

    internal static bool TryFromCode(byte code, out TlpLabel label)
    {
        label = code is >= 1 and <= 5 ? new TlpLabel(code) : default;
        return code is >= 1 and <= 5;
    }

    public override string ToString() => "TLP:" + Name;
}

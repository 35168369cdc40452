using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Federation.Core.Identity;
using Federation.Core.Releases;
using Federation.Core.Requests;

namespace Federation.Node.Console.Requests;

/// <summary>
/// A hash reference as one line of text, <c>&lt;origin&gt;/&lt;list&gt; &lt;release&gt; &lt;signal&gt; &lt;hex&gt;</c>
/// (e.g. <c>kr-knpa/ncii 3 pdq f8f8…</c>): how a Match hit hands its entry to the New request form, in a link and
/// then in hidden fields. Parsing is strict so that a request never points at something no list could hold; only
/// the reference travels, never the media.
/// </summary>
public static class HashRefText
{
    public static string Format(HashReference r) => string.Create(CultureInfo.InvariantCulture, $"{r.List} {r.Release} {r.Signal} {r.Value}");

    public static bool TryParse(string? text, [NotNullWhen(true)] out HashReference? reference)
    {
        reference = null;
        var parts = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 4) return false;
        var list = parts[0].Split('/');
        if (list.Length != 2 || !NodeId.TryParse(list[0], out _) || !ListId.TryParse(list[1], out _)) return false;
        if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var release) || release < 1) return false;
        if (!SignalType.TryParse(parts[2], out var signal)) return false;
        try
        {
            reference = new HashReference(parts[0], release, signal.Name, SignalValue.Parse(signal, parts[3]).Hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

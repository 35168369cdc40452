using System.Globalization;

namespace Federation.Core.Ledger;

/// <summary>
/// An unsigned 64-bit ASCII decimal with no sign, no leading zeros (except "0" itself) and no whitespace — the
/// form of tree sizes in tlog-checkpoint and of the old size in tlog-witness, so each size has one spelling.
/// </summary>
internal static class CanonicalDecimal
{
    public static bool TryParse(ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 20 || (text[0] == '0' && text.Length > 1)) return false;
        foreach (var c in text)
            if (c is < '0' or > '9') return false;
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static string Format(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}

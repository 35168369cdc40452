using System.Globalization;
using System.Text;

namespace Federation.Auditor.Hosting;

/// <summary>Text from a signed object is still written by someone else: control characters (line breaks,
/// terminal escapes) are printed as <c>\uXXXX</c> so one result stays one line and cannot restyle the terminal.</summary>
public static class Printable
{
    public static string Escape(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.ToString();
    }
}

using System.Globalization;
using System.Net;
using Federation.Auditor.Hosting;

namespace Federation.Auditor.Verify.Report;

/// <summary>The report's only ways to turn a value into markup: everything is encoded, whoever wrote it.</summary>
internal static class Html
{
    /// <summary>Text for an element's content or a double-quoted attribute: <c>&lt; &gt; &amp; " '</c> encoded, control
    /// characters shown as <c>\uXXXX</c> (as on the terminal).</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(Printable.Escape(text ?? ""));

    public static string E(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string E(ulong n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset t) => E(t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));

    /// <summary>A number for SVG coordinates: invariant, two decimals.</summary>
    public static string N(double d) => d.ToString("0.##", CultureInfo.InvariantCulture);
}

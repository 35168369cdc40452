using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Federation.Node.Audit;

/// <summary>
/// The justification a consultation must carry: the <c>X-Justification</c> request header. A header, not a query
/// parameter, so it never lands in URLs, proxy logs or browser history. HTTP header values are ASCII, so text in
/// other scripts is sent percent-encoded as UTF-8 (RFC 3986, as <c>encodeURIComponent</c> does); plain ASCII
/// needs no encoding. After decoding: 1 to 1,000 characters, not only spaces, no control characters.
/// </summary>
public static class Justification
{
    public const string Header = "X-Justification";
    public const int MaxLength = 1000;

    /// <summary>The decoded justification, or false with the reason (<c>justification-required</c> / <c>justification-invalid</c>) and a detail.</summary>
    public static bool TryRead(HttpRequest request, [NotNullWhen(true)] out string? justification, out string reason, out string detail)
    {
        justification = null;
        (reason, detail) = ("", "");
        var values = request.Headers[Header];
        if (values.Count == 0 || string.IsNullOrWhiteSpace(values[0]))
            return Fail("justification-required", $"state why in the {Header} header (UTF-8, percent-encoded where not ASCII)", out reason, out detail);
        if (values.Count > 1) return Fail("justification-invalid", $"{Header} is given {values.Count} times", out reason, out detail);
        if (PercentDecode(values[0]!) is not { } decoded)
            return Fail("justification-invalid", "not percent-encoded UTF-8 (a '%' must start %XX, and the bytes must be valid UTF-8)", out reason, out detail);
        decoded = decoded.Trim();
        if (decoded.Length == 0) return Fail("justification-required", $"{Header} is blank", out reason, out detail);
        if (decoded.Length > MaxLength) return Fail("justification-invalid", $"{decoded.Length} characters; at most {MaxLength}", out reason, out detail);
        if (decoded.Any(char.IsControl)) return Fail("justification-invalid", "control characters are not allowed", out reason, out detail);
        justification = decoded;
        return true;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>RFC 3986 percent-decoding into strict UTF-8; null for a malformed escape or invalid UTF-8 (never U+FFFD).</summary>
    private static string? PercentDecode(string value)
    {
        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%')
            {
                if (i + 2 >= value.Length || !byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                    return null;
                bytes.Add(b);
                i += 2;
            }
            else if (c > 0x7F) return null;
            else bytes.Add((byte)c);
        }
        try { return StrictUtf8.GetString([.. bytes]); }
        catch (DecoderFallbackException) { return null; }
    }

    private static bool Fail(string why, string text, out string reason, out string detail)
    {
        (reason, detail) = (why, text);
        return false;
    }
}

using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Federation.Core.Ledger;

/// <summary>
/// The canonical bytes of a JSON value, so that an event's data hashes the same whether it comes from the
/// serializer that wrote it or back out of PostgreSQL's <c>jsonb</c> (which reorders keys, drops whitespace and
/// rewrites escapes). The structure follows RFC 8785 (JCS): no whitespace, object members sorted by the UTF-16
/// code units of their names, strings escaped only where JSON requires it. Numbers differ from JCS on purpose:
/// JCS writes them as IEEE doubles, which would silently round a decimal amount; here a number is its exact
/// decimal value with trailing zeros removed (<c>1.50</c> → <c>1.5</c>, <c>1e2</c> → <c>100</c>, <c>-0</c> → <c>0</c>),
/// written plainly up to 21 integer digits and 21 leading fraction zeros, otherwise as <c>d.ddde±x</c>.
/// Duplicate member names are refused ("last one wins" would let one text say two things).
/// </summary>
public static class CanonicalJson
{
    private const int MaxExponent = 100_000;
    private const int PlainLimit = 21;

    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    // Strings come from JsonElement, which already refuses unpaired surrogates; strict all the same, never U+FFFD.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Canonical UTF-8 of <paramref name="json"/>; throws <see cref="JsonException"/> for invalid JSON or a duplicate name.</summary>
    public static byte[] Canonicalize(string json)
    {
        using var doc = JsonDocument.Parse(json, Options);
        return Canonicalize(doc.RootElement);
    }

    public static byte[] Canonicalize(ReadOnlyMemory<byte> utf8Json)
    {
        using var doc = JsonDocument.Parse(utf8Json, Options);
        return Canonicalize(doc.RootElement);
    }

    public static byte[] Canonicalize(JsonElement value) => Written(value).WrittenSpan.ToArray();

    /// <summary>SHA-256 of the canonical form of <paramref name="json"/>.</summary>
    public static byte[] Sha256(string json)
    {
        using var doc = JsonDocument.Parse(json, Options);
        return SHA256.HashData(Written(doc.RootElement).WrittenSpan);
    }

    private static ArrayBufferWriter<byte> Written(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        try
        {
            Write(value, buffer);
        }
        catch (InvalidOperationException e)
        {
            // A \uD800-style escape decodes to an unpaired surrogate, which has no UTF-8 form.
            throw new JsonException($"A string cannot be represented in UTF-8: {e.Message}", e);
        }
        return buffer;
    }

    private static void Write(JsonElement value, ArrayBufferWriter<byte> to)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                // JsonProperty.Name decodes a new string on every call, so names are read once before sorting.
                var members = new List<(string Name, JsonElement Value)>();
                foreach (var member in value.EnumerateObject()) members.Add((member.Name, member.Value));
                // Ordinal string comparison is UTF-16 code-unit order, the JCS sort.
                members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                Ascii(to, "{");
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0) Ascii(to, ",");
                    WriteString(members[i].Name, to);
                    Ascii(to, ":");
                    Write(members[i].Value, to);
                }
                Ascii(to, "}");
                break;
            case JsonValueKind.Array:
                Ascii(to, "[");
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first) Ascii(to, ",");
                    first = false;
                    Write(item, to);
                }
                Ascii(to, "]");
                break;
            case JsonValueKind.String:
                WriteString(value.GetString()!, to);
                break;
            case JsonValueKind.Number:
                Ascii(to, Number(value.GetRawText()));
                break;
            case JsonValueKind.True:
                Ascii(to, "true");
                break;
            case JsonValueKind.False:
                Ascii(to, "false");
                break;
            case JsonValueKind.Null:
                Ascii(to, "null");
                break;
            default:
                throw new JsonException($"Unexpected JSON value kind {value.ValueKind}.");
        }
    }

    /// <summary>RFC 8785 §3.2.2.2: escape '"', '\' and U+0000..U+001F (the short forms where JSON has them); nothing else.</summary>
    private static void WriteString(string s, ArrayBufferWriter<byte> to)
    {
        Ascii(to, "\"");
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c >= ' ' && c != '"' && c != '\\') continue;
            Utf8(to, s.AsSpan(start, i - start));
            Ascii(to, c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
            start = i + 1;
        }
        Utf8(to, s.AsSpan(start));
        Ascii(to, "\"");
    }

    private static void Utf8(ArrayBufferWriter<byte> to, ReadOnlySpan<char> text)
    {
        if (!text.IsEmpty) to.Advance(StrictUtf8.GetBytes(text, to.GetSpan(StrictUtf8.GetMaxByteCount(text.Length))));
    }

    private static void Ascii(ArrayBufferWriter<byte> to, string text)
    {
        var span = to.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++) span[i] = (byte)text[i];
        to.Advance(text.Length);
    }

    /// <summary>The canonical text of a JSON number literal (already validated by the parser).</summary>
    internal static string Number(string literal)
    {
        // The common cases, an integer or a plain decimal without leading or trailing zeros, are already canonical.
        if (IsCanonicalPlain(literal)) return literal;
        var negative = literal[0] == '-';
        var body = negative ? literal[1..] : literal;
        var e = body.IndexOfAny(['e', 'E']);
        long exponent = 0;
        if (e >= 0)
        {
            if (!long.TryParse(body.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || Math.Abs(exponent) > MaxExponent)
                throw new JsonException($"The exponent of {literal} is outside ±{MaxExponent}.");
            body = body[..e];
        }
        var dot = body.IndexOf('.');
        if (dot >= 0)
        {
            exponent -= body.Length - dot - 1;
            body = body.Remove(dot, 1);
        }
        var digits = body.TrimStart('0');
        if (digits.Length == 0) return "0";
        var trimmed = digits.TrimEnd('0');
        exponent += digits.Length - trimmed.Length;
        digits = trimmed;
        var sign = negative ? "-" : "";

        // value = digits × 10^exponent, digits without leading or trailing zeros.
        var pointPosition = digits.Length + exponent; // digits before the decimal point
        if (exponent >= 0 && pointPosition <= PlainLimit)
            return sign + digits + new string('0', (int)exponent);
        if (exponent < 0 && pointPosition > 0)
            return sign + digits[..(int)pointPosition] + "." + digits[(int)pointPosition..];
        if (exponent < 0 && -pointPosition < PlainLimit)
            return sign + "0." + new string('0', (int)-pointPosition) + digits;
        var scientific = pointPosition - 1;
        var mantissa = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
        return sign + mantissa + "e" + (scientific >= 0 ? "+" : "-") + Math.Abs(scientific).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary><c>-?(0|[1-9][0-9]{0,20})(\.[0-9]{0,20}[1-9])?</c>, not negative zero: what <see cref="Number"/> would write anyway.</summary>
    private static bool IsCanonicalPlain(string literal)
    {
        var text = literal.AsSpan(literal[0] == '-' ? 1 : 0);
        var dot = text.IndexOf('.');
        var integer = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? [] : text[(dot + 1)..];
        if (integer.Length is 0 or > PlainLimit || (integer[0] == '0' && integer.Length > 1)) return false;
        if (dot >= 0 && (fraction.Length is 0 or > PlainLimit || fraction[^1] == '0')) return false;
        if (literal[0] == '-' && integer is "0" && dot < 0) return false;
        foreach (var c in integer) if (c is < '0' or > '9') return false;
        foreach (var c in fraction) if (c is < '0' or > '9') return false;
        return true;
    }
}

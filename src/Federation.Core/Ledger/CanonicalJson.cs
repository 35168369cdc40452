using System.Globalization;
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
/// Duplicate member names are refused (threats D2: "last one wins" would let one text say two things).
/// </summary>
public static class CanonicalJson
{
    private const int MaxExponent = 100_000;
    private const int PlainLimit = 21;

    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

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

    public static byte[] Canonicalize(JsonElement value)
    {
        var builder = new StringBuilder();
        Write(value, builder);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static void Write(JsonElement value, StringBuilder to)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                to.Append('{');
                var first = true;
                // Ordinal string comparison is UTF-16 code-unit order, the JCS sort.
                foreach (var member in value.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    if (!first) to.Append(',');
                    first = false;
                    WriteString(member.Name, to);
                    to.Append(':');
                    Write(member.Value, to);
                }
                to.Append('}');
                break;
            case JsonValueKind.Array:
                to.Append('[');
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (i++ > 0) to.Append(',');
                    Write(item, to);
                }
                to.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(value.GetString()!, to);
                break;
            case JsonValueKind.Number:
                to.Append(Number(value.GetRawText()));
                break;
            case JsonValueKind.True:
                to.Append("true");
                break;
            case JsonValueKind.False:
                to.Append("false");
                break;
            case JsonValueKind.Null:
                to.Append("null");
                break;
            default:
                throw new JsonException($"Unexpected JSON value kind {value.ValueKind}.");
        }
    }

    /// <summary>RFC 8785 §3.2.2.2: escape '"', '\' and U+0000..U+001F (the short forms where JSON has them); nothing else.</summary>
    private static void WriteString(string s, StringBuilder to)
    {
        to.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': to.Append("\\\""); break;
                case '\\': to.Append("\\\\"); break;
                case '\b': to.Append("\\b"); break;
                case '\f': to.Append("\\f"); break;
                case '\n': to.Append("\\n"); break;
                case '\r': to.Append("\\r"); break;
                case '\t': to.Append("\\t"); break;
                case < ' ': to.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: to.Append(c); break;
            }
        }
        to.Append('"');
    }

    /// <summary>The canonical text of a JSON number literal (already validated by the parser).</summary>
    internal static string Number(string literal)
    {
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
}

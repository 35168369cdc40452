using System.Text;
using System.Text.Json;
using Federation.Core.Ledger;

namespace Federation.Core.Tests.Ledger;

public class CanonicalJsonTests
{
    private static string Canonical(string json) => Encoding.UTF8.GetString(CanonicalJson.Canonicalize(json));

    [Fact]
    public void Sorts_members_by_utf16_code_units_and_drops_whitespace()
    {
        // RFC 8785 §3.2.3: U+FB33 sorts after U+1F600 (surrogates D83D DE00) by UTF-16 code units, before it by code point.
        Assert.Equal("{\"1\":[],\"a\":{\"b\":1,\"c\":2},\"😀\":0,\"\ufb33\":true}",
            Canonical("{ \"\\ufb33\": true, \"a\": { \"c\": 2, \"b\": 1 }, \"\\ud83d\\ude00\": 0, \"1\": [ ] }"));
    }

    [Fact]
    public void Writes_the_same_bytes_for_a_serializer_text_and_its_jsonb_rendering()
    {
        // What System.Text.Json wrote, and what PostgreSQL jsonb gives back for it (keys reordered, escapes rewritten).
        const string serializer = "{\"Name\":\"y\\u00E9\\u0022\",\"Amount\":1.50,\"At\":\"2026-11-24T20:41:18.2582607+00:00\",\"Blob\":\"AQI=\"}";
        const string jsonb = "{\"At\": \"2026-11-24T20:41:18.2582607+00:00\", \"Blob\": \"AQI=\", \"Name\": \"yé\\\"\", \"Amount\": 1.50}";
        Assert.Equal(Canonical(serializer), Canonical(jsonb));
        Assert.Equal("{\"Amount\":1.5,\"At\":\"2026-11-24T20:41:18.2582607+00:00\",\"Blob\":\"AQI=\",\"Name\":\"yé\\\"\"}", Canonical(jsonb));
    }

    [Theory]
    [InlineData("\"\\u0001\\u001f\\b\\f\\n\\r\\t\\/\\u00e9\"", "\"\\u0001\\u001f\\b\\f\\n\\r\\t/é\"")]
    [InlineData("\"\\u2028\\\\\"", "\"\u2028\\\\\"")]
    public void Escapes_only_what_json_requires(string input, string expected) => Assert.Equal(expected, Canonical(input));

    [Theory]
    [InlineData("0", "0")]
    [InlineData("-0", "0")]
    [InlineData("-0.000e5", "0")]
    [InlineData("1.50", "1.5")]
    [InlineData("100", "100")]
    [InlineData("1e2", "100")]
    [InlineData("1E+2", "100")]
    [InlineData("12.5e-1", "1.25")]
    [InlineData("-0.00012", "-0.00012")]
    [InlineData("123456789012345678901", "123456789012345678901")]
    [InlineData("1234567890123456789012", "1.234567890123456789012e+21")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1e22", "1e+22")]
    [InlineData("0.000000000000000000001", "0.000000000000000000001")]
    [InlineData("1e-22", "1e-22")]
    [InlineData("-12345.678e-30", "-1.2345678e-26")]
    [InlineData("79228162514264337593543950336.5", "79228162514264337593543950336.5")]
    public void Writes_a_number_as_its_exact_decimal_value(string literal, string expected) => Assert.Equal(expected, Canonical(literal));

    [Fact]
    public void Refuses_duplicate_member_names() =>
        Assert.ThrowsAny<JsonException>(() => CanonicalJson.Canonicalize("{\"version\":7,\"version\":1}"));

    [Fact]
    public void Refuses_an_exponent_that_would_expand_without_bound() =>
        Assert.ThrowsAny<JsonException>(() => CanonicalJson.Canonicalize("1e999999999"));

    [Fact]
    public void Refuses_an_unpaired_surrogate_instead_of_replacing_it() =>
        Assert.ThrowsAny<JsonException>(() => CanonicalJson.Canonicalize("\"a\\ud800b\""));

    [Fact]
    public void Hashes_the_canonical_bytes() =>
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(CanonicalJson.Canonicalize("{\"b\":1,\"a\":[2.50]}")), CanonicalJson.Sha256("{ \"a\": [2.5], \"b\": 1 }"));
}

using Federation.Core.Releases;

namespace Federation.Core.Tests.Releases;

public class SignalValueTests
{
    [Fact]
    public void Upper_case_hex_is_held_in_lower_case()
    {
        var v = SignalValue.Parse("md5", "900150983CD24FB0D6963F7D28E17F72");
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", v.Hex);
        Assert.Equal(SignalValue.Parse("md5", "900150983cd24fb0d6963f7d28e17f72"), v);
    }

    [Theory]
    [InlineData("sha256", "abc", "expected 64 hex digits, got 3")]
    [InlineData("md5", "900150983cd24fb0d6963f7d28e17f7z", "'z' is not a hex digit")]
    [InlineData("pdq", "900150983cd24fb0d6963f7d28e17f72", "expected 64 hex digits, got 32")]
    public void A_bad_value_is_refused_naming_it(string signal, string hex, string why)
    {
        var e = Assert.Throws<FormatException>(() => SignalValue.Parse(signal, hex));
        Assert.Contains($"'{hex}'", e.Message);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void An_unknown_signal_type_is_refused_listing_the_known_ones()
    {
        var e = Assert.Throws<FormatException>(() => SignalType.Parse("sha1"));
        Assert.Contains("'sha1'", e.Message);
        Assert.Contains("sha256, md5, pdq", e.Message);
    }

    [Fact]
    public void Values_order_by_signal_then_bytes()
    {
        var a = SignalValue.Parse("sha256", new string('f', 64));
        var b = SignalValue.Parse("md5", new string('0', 32));
        var c = SignalValue.Parse("md5", "0" + new string('1', 31));
        Assert.True(a < b, "sha256 (code 1) sorts before md5 (code 2)");
        Assert.True(b < c);
        Assert.Equal(0, b.CompareTo(SignalValue.Parse("md5", new string('0', 32))));
    }

    [Fact]
    public void Tags_are_sorted_and_a_repeated_tag_is_refused()
    {
        Assert.Equal("a;b;c", TagSet.Parse("c;a;b").Value);
        var e = Assert.Throws<FormatException>(() => TagSet.Parse("a;b;a"));
        Assert.Contains("'a' is given twice", e.Message);
    }

    [Theory]
    [InlineData("CSAM")]
    [InlineData("-withdraw")]
    [InlineData("")]
    [InlineData("has space")]
    public void A_classification_outside_the_code_syntax_is_refused(string text) =>
        Assert.False(Classification.TryParse(text, out _));
}

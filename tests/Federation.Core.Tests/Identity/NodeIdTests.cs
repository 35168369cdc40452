using Federation.Core.Identity;

namespace Federation.Core.Tests.Identity;

public sealed class NodeIdTests
{
    [Theory]
    [InlineData("kr-knpa")]
    [InlineData("nl-police")]
    [InlineData("ab")]
    [InlineData("a1")]
    [InlineData("x9-y8-z7")]
    [InlineData("abcdefghijklmnopqrstuvwxyz-0123456789-abcdefghijklmnopqrstuvwxy")] // 63 characters
    public void Parses_a_well_formed_node_id(string value)
    {
        Assert.True(NodeId.TryParse(value, out var id));
        Assert.Equal(value, id.Value);
        Assert.Equal(id, NodeId.Parse(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("k")] // one character
    [InlineData("abcdefghijklmnopqrstuvwxyz-0123456789-abcdefghijklmnopqrstuvwxyz")] // 64 characters
    [InlineData("KR-knpa")] // upper case
    [InlineData("1kr")] // starts with a digit
    [InlineData("-kr")] // starts with a hyphen
    [InlineData("kr-")] // ends with a hyphen
    [InlineData("kr--knpa")] // double hyphen
    [InlineData("kr_knpa")]
    [InlineData("kr.knpa")]
    [InlineData("kr knpa")]
    [InlineData(" kr-knpa")]
    [InlineData("kr-knpa\n")]
    [InlineData("kr-kñpa")] // non-ASCII letter
    [InlineData("urn:federation:node:kr-knpa")] // a URI is not an id
    public void Refuses_a_malformed_node_id(string value)
    {
        Assert.False(NodeId.TryParse(value, out var id));
        Assert.Equal(default, id);
        var e = Assert.Throws<FormatException>(() => NodeId.Parse(value));
        Assert.Contains($"'{value}' is not a valid node id", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_null()
    {
        Assert.False(NodeId.TryParse(null, out _));
    }

    [Fact]
    public void Binds_into_a_urn_uri_and_prints_as_its_value()
    {
        var id = NodeId.Parse("fr-ofmin");

        Assert.Equal("urn:federation:node:fr-ofmin", id.ToUri());
        Assert.Equal("fr-ofmin", id.ToString());
        Assert.Equal("", default(NodeId).ToString());
    }

    [Fact]
    public void Two_ids_with_the_same_value_are_equal()
    {
        Assert.Equal(NodeId.Parse("kr-knpa"), NodeId.Parse("kr-knpa"));
        Assert.NotEqual(NodeId.Parse("kr-knpa"), NodeId.Parse("kr-knpb"));
    }
}

using System.Text;
using Federation.Core.Ledger;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Ledger;

public class AddCheckpointRequestTests
{
    private static string Note()
    {
        using var log = new TestLog().Append(4, seed: 1);
        return log.Checkpoint().ToString();
    }

    private static string Parse(string body)
    {
        Assert.False(AddCheckpointRequest.TryParse(Encoding.UTF8.GetBytes(body), out var request, out var problem));
        Assert.Null(request);
        return problem;
    }

    [Theory]
    [InlineData("old 01\n\n", "'old <size>'")]
    [InlineData("old -1\n\n", "'old <size>'")]
    [InlineData("old  1\n\n", "'old <size>'")]
    [InlineData("Old 1\n\n", "'old <size>'")]
    [InlineData("old 18446744073709551616\n\n", "'old <size>'")]
    [InlineData("old 1\nnot-base64\n\n", "Proof line 1")]
    [InlineData("old 1\nAAAA\n\n", "Proof line 1")]
    public void Refuses_a_malformed_header(string header, string reason)
    {
        Assert.Contains(reason, Parse(header + Note()));
    }

    [Fact]
    public void Refuses_a_body_without_the_empty_line()
    {
        Assert.Contains("no empty line", Parse("old 0\n" + Note().Replace("\n\n", "\n")));
    }

    [Fact]
    public void Refuses_more_than_63_proof_lines()
    {
        var line = Rfc6962.EmptyRoot.ToBase64() + "\n";
        Assert.True(AddCheckpointRequest.TryParse(Encoding.UTF8.GetBytes("old 1\n" + string.Concat(Enumerable.Repeat(line, 63)) + "\n" + Note()), out _, out _));
        Assert.Contains("at most 63", Parse("old 1\n" + string.Concat(Enumerable.Repeat(line, 64)) + "\n" + Note()));
    }

    [Fact]
    public void Refuses_a_checkpoint_that_is_not_strict()
    {
        Assert.Contains("checkpoint is malformed", Parse("old 0\n\n" + Note().Replace("\n4\n", "\n04\n")));
        Assert.Contains("checkpoint is malformed", Parse("old 0\n\n" + Note().TrimEnd('\n')));
    }
}

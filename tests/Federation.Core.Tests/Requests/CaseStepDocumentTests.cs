using System.Text;
using Federation.Core.Requests;

namespace Federation.Core.Tests.Requests;

/// <summary>Case step documents a peer signed but that are not well formed: refused as a format error, nothing else.</summary>
public sealed class CaseStepDocumentTests
{
    private const string Valid =
        "{\"v\":1,\"case\":\"kr-knpa.20261201.r6ym62d7kr\",\"seq\":2,\"previous\":null,\"actor\":{\"node\":\"kr-knpa\",\"person\":\"r\",\"role\":\"officer\"}," +
        "\"at\":\"2026-12-01T00:00:00+00:00\",\"step\":{\"action\":\"answer\",\"note\":\"\",\"amended\":null},\"reissues\":null}";

    [Fact]
    public void The_valid_document_parses()
    {
        var doc = CaseStepDocument.Parse(Encoding.UTF8.GetBytes(Valid));

        Assert.IsType<Answer>(doc.Step);
    }

    // Found by bench/fuzz (case-step): one byte of "action" changed, so the step has no type discriminator, and
    // System.Text.Json threw NotSupportedException, which escaped the receiver as a server error.
    [Theory]
    [InlineData("{\"act\u00ffon\":\"answer\",\"note\":\"\",\"amended\":null}")]
    [InlineData("{\"note\":\"\",\"amended\":null}")]
    public void A_step_without_its_discriminator_is_a_format_error(string step)
    {
        var json = Valid.Replace("{\"action\":\"answer\",\"note\":\"\",\"amended\":null}", step);
        Assert.NotEqual(Valid, json);

        var e = Assert.Throws<FormatException>(() => CaseStepDocument.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.StartsWith("not a case step document", e.Message);
    }
}

using System.Security.Cryptography;
using Federation.Core.Ledger;

namespace Federation.Core.Tests.Ledger;

public class LedgerEntryTests
{
    // Known answers computed independently (Python struct/hashlib) from the layout in docs/transparency-log.md.
    private static readonly Guid EventId = Guid.Parse("0192f0c1-7a55-7b76-8cc3-6bb51200d474");
    private static readonly DateTimeOffset At = new DateTimeOffset(2024, 11, 24, 20, 41, 18, TimeSpan.Zero).AddTicks(2_730_659);

    private static LedgerEntry Entry(bool envelope = false) => LedgerEntry.Create(7, EventId, "peer:fr-ofmin", "peer_descriptor_accepted", At,
        LedgerEntry.DataDigest("{\"b\":[1.50,true,null],\"a\":\"x\\u00e9\\\"\\n\"}"),
        envelope ? SHA256.HashData("signed content"u8) : default, hasEnvelope: envelope);

    [Fact]
    public void Encodes_the_documented_layout()
    {
        Assert.Equal("5741ea9e2e38c59727c870cbebfa91798cbc34ebf103f3a9bc67d1720fe9eca0", Convert.ToHexStringLower(Entry().DataSha256));
        Assert.Equal("010000000000000007000627aea35462290192f0c17a557b768cc36bb51200d474000d706565723a66722d6f666d696e0018706565725f64657363726970746f725f61636365707465645741ea9e2e38c59727c870cbebfa91798cbc34ebf103f3a9bc67d1720fe9eca000",
            Convert.ToHexStringLower(Entry().Encode()));
        Assert.Equal("c66106b3d60b962ac799289eaca9f992e65fd9d8957cb4bc2911b4037f38fc38", Entry().LeafHash().ToHex());
    }

    [Fact]
    public void An_envelope_digest_changes_the_leaf() =>
        Assert.Equal("26087f40d9478f3199806f63424d695756ef01f9c0e0f553079ab151b01740cc", Entry(envelope: true).LeafHash().ToHex());

    [Fact]
    public void Truncates_the_timestamp_to_microseconds()
    {
        Assert.Equal(1_732_480_878_273_065L, Entry().TimestampMicroseconds);
        Assert.Equal(At.AddTicks(-9), Entry().Timestamp);
    }

    [Fact]
    public void Refuses_a_digest_that_is_not_32_bytes()
    {
        var e = Assert.Throws<ArgumentException>(() => LedgerEntry.Create(0, EventId, "s", "t", At, new byte[31]));
        Assert.Equal("dataSha256", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => LedgerEntry.Create(0, EventId, "s", "t", At, new byte[32], new byte[33], hasEnvelope: true));
        Assert.Equal("envelopeSha256", e.ParamName);
    }

    [Fact]
    public void Refuses_a_stream_key_longer_than_the_length_prefix_allows()
    {
        var e = Assert.Throws<ArgumentException>(() => LedgerEntry.Create(0, EventId, new string('x', 65_536), "t", At, new byte[32]));
        Assert.Equal("streamKey", e.ParamName);
    }
}

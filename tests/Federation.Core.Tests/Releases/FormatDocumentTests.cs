using System.Security.Cryptography;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Releases;
using Federation.Tests.Support;

namespace Federation.Core.Tests.Releases;

/// <summary>The worked example of docs/formats.md §1.3, byte for byte.</summary>
public class FormatDocumentTests
{
    private static readonly ReleaseHeader ExampleHeader = new(
        ListId.Parse("demo"), NodeId.Parse("kr-knpa"), new ReleaseVersion(2), ContentDigest.Of([]),
        DateTimeOffset.Parse("2026-01-01T00:00:00Z"), DateTimeOffset.Parse("2026-01-31T00:00:00Z"),
        Audience.Parse("nl-police,fr-ofmin"), TlpLabel.Amber);

    private static readonly ReleaseChange[] ExampleChanges =
    [
        ReleaseChange.Add(SignalValue.Parse("pdq", "d0f8f1ccc0f4a84d0a370a3a228f67f0b36e2ed5b6623e1d33e6339c4e9c9b22"),
            new EntryLabel(Classification.DeepfakeNcii, null, TagSet.Parse("video;reviewed"))),
        ReleaseChange.Withdraw(SignalValue.FromBytes(SignalType.Md5, MD5.HashData("abc"u8))),
        ReleaseChange.Add(SignalValue.FromBytes(SignalType.Sha256, SHA256.HashData("abc"u8)), new EntryLabel(Classification.Csam, "KR-APCSA-11")),
        ReleaseChange.Add(SignalValue.FromBytes(SignalType.Sha256, SHA256.HashData("xyz"u8)), new EntryLabel(Classification.Csam, "KR-APCSA-11")),
    ];

    [Fact]
    public async Task The_packer_writes_the_documented_example_byte_for_byte()
    {
        var documented = FormatDocument.HexDump("release-v1");

        var packed = await Some.Release(ExampleHeader, ExampleChanges);

        Assert.Equal(Convert.ToHexString(documented), Convert.ToHexString(packed));
        var summaryLine = FormatDocument.Block("release-v1")[^1];
        Assert.Equal($"# {packed.Length} bytes, SHA-256 {ContentDigest.Of(packed)}", summaryLine);
    }

    [Fact]
    public async Task The_documented_example_reads_back_as_its_header_and_changes()
    {
        var reader = await ReleaseReader.OpenAsync(new MemoryStream(FormatDocument.HexDump("release-v1")));
        var changes = new List<ReleaseChange>();
        await foreach (var c in reader.ReadChangesAsync()) changes.Add(c);

        Assert.Equal(ExampleHeader, reader.Header);
        Assert.Equal(ExampleChanges.OrderBy(c => c.Value), changes);
        Assert.Equal(FormatDocument.Block("release-v1-csv"), [EntryCsv.Header, .. changes.Select(EntryCsv.FormatRow)]);
    }
}

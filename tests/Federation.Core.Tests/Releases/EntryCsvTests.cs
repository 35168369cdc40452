using System.Text;
using Federation.Core.Releases;

namespace Federation.Core.Tests.Releases;

public class EntryCsvTests
{
    private const string Sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private const string Md5 = "900150983cd24fb0d6963f7d28e17f72";

    private static async Task<List<SourcedChange>> Read(byte[] bytes)
    {
        var list = new List<SourcedChange>();
        await foreach (var c in EntryCsv.ReadAsync(new MemoryStream(bytes))) list.Add(c);
        return list;
    }

    private static Task<List<SourcedChange>> Read(string text) => Read(Encoding.UTF8.GetBytes(text));

    private static async Task<string> Refusal(string text) => (await Assert.ThrowsAsync<ReleaseFormatException>(() => Read(text))).Message;

    [Fact]
    public async Task Reads_adds_and_withdrawals_numbered_by_line()
    {
        var csv = "\uFEFFsignal,value,classification,legal_basis,tags\r\n"
                  + $"sha256,{Sha.ToUpperInvariant()},csam,\"Art. 11, para 2\",video;reviewed\r\n"
                  + "\r\n"
                  + $"md5,{Md5},-withdraw\r\n";

        var changes = await Read(csv);

        Assert.Equal([2L, 4L], changes.Select(c => c.Line));
        var add = changes[0].Change;
        Assert.Equal(Sha, add.Value.Hex);
        Assert.Equal(new EntryLabel(Classification.Csam, "Art. 11, para 2", TagSet.Parse("reviewed;video")), add.Label);
        Assert.True(changes[1].Change.IsWithdrawal);
        Assert.Equal(Md5, changes[1].Change.Value.Hex);
    }

    [Fact]
    public async Task Reads_rows_whose_every_field_is_quoted_like_rows_that_are_not()
    {
        var quoted = await Read($"{EntryCsv.Header}\n\"md5\",\"{Md5}\",\"csam\",\"KR 11\",\"video\"\n");
        var plain = await Read($"{EntryCsv.Header}\nmd5,{Md5},csam,KR 11,video\n");
        Assert.Equal(plain, quoted);
    }

    [Fact]
    public async Task A_header_of_the_three_required_columns_is_enough()
    {
        var changes = await Read($"signal,value,classification\nmd5,{Md5},ncii\n");
        Assert.Equal(Classification.Ncii, Assert.Single(changes).Change.Label!.Classification);
    }

    [Fact]
    public async Task Refuses_bad_hex_naming_the_line_and_the_value()
    {
        var message = await Refusal($"{EntryCsv.Header}\nmd5,{Md5},csam\nmd5,{Md5[..^1]}g,csam\n");
        Assert.StartsWith("line 3:", message);
        Assert.Contains($"'{Md5[..^1]}g'", message);
    }

    [Fact]
    public async Task Refuses_a_value_of_the_wrong_length_naming_the_line()
    {
        var message = await Refusal($"{EntryCsv.Header}\nsha256,{Md5},csam\n");
        Assert.StartsWith("line 2:", message);
        Assert.Contains("expected 64 hex digits, got 32", message);
    }

    [Fact]
    public async Task Refuses_an_unknown_signal_naming_the_line()
    {
        var message = await Refusal($"{EntryCsv.Header}\nsha1,{Md5},csam\n");
        Assert.StartsWith("line 2:", message);
        Assert.Contains("'sha1' is not a known signal type", message);
    }

    [Fact]
    public async Task Refuses_an_empty_file()
    {
        var message = await Refusal("");
        Assert.StartsWith("line 1: the file is empty", message);
    }

    [Fact]
    public async Task Refuses_a_file_without_the_header()
    {
        var message = await Refusal($"md5,{Md5},csam\n");
        Assert.StartsWith("line 1: expected the header", message);
    }

    [Fact]
    public async Task Refuses_ten_megabytes_of_garbage_at_its_first_line()
    {
        var garbage = new byte[10 * 1024 * 1024];
        new Random(7).NextBytes(garbage);
        var e = await Assert.ThrowsAsync<ReleaseFormatException>(() => Read(garbage));
        Assert.StartsWith("line 1:", e.Message);
    }

    [Fact]
    public async Task Refuses_garbage_after_a_valid_header_at_the_line_where_it_starts()
    {
        var garbage = new byte[10 * 1024 * 1024];
        new Random(7).NextBytes(garbage);
        var e = await Assert.ThrowsAsync<ReleaseFormatException>(() => Read([.. Encoding.UTF8.GetBytes(EntryCsv.Header + "\n"), .. garbage]));
        Assert.StartsWith("line 2:", e.Message);
    }

    [Fact]
    public async Task Refuses_a_line_longer_than_the_limit_without_reading_on()
    {
        var message = await Refusal($"{EntryCsv.Header}\nmd5,{Md5},csam,{new string('x', 5000)}\n");
        Assert.StartsWith("line 2: longer than 4096 bytes", message);
    }

    [Fact]
    public async Task Refuses_invalid_UTF8_naming_the_line()
    {
        var e = await Assert.ThrowsAsync<ReleaseFormatException>(() => Read([.. Encoding.UTF8.GetBytes($"{EntryCsv.Header}\nmd5,{Md5},csam,"), 0xC3, 0x28, (byte)'\n']));
        Assert.Equal("line 2: not valid UTF-8", e.Message);
    }

    [Fact]
    public async Task Refuses_a_withdrawal_with_a_legal_basis()
    {
        var message = await Refusal($"{EntryCsv.Header}\nmd5,{Md5},-withdraw,Art. 11\n");
        Assert.Equal("line 2: a withdrawal carries no legal basis or tags", message);
    }

    [Fact]
    public async Task Refuses_more_fields_than_the_header_has()
    {
        var message = await Refusal($"signal,value,classification\nmd5,{Md5},csam,Art. 11\n");
        Assert.Equal("line 2: 4 fields, but the header has 3", message);
    }
}

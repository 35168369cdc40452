using Federation.Core.Releases;
using Federation.Tests.Support;

namespace Federation.Core.Tests.Releases;

public class ReleaseEncodingTests
{
    [Fact]
    public async Task A_release_reads_back_as_written_in_canonical_order()
    {
        var changes = Some.Changes(500);
        var bytes = await Some.Release(Some.Header(), changes);

        var reader = await ReleaseReader.OpenAsync(new MemoryStream(bytes));
        var read = new List<ReleaseChange>();
        await foreach (var c in reader.ReadChangesAsync()) read.Add(c);

        Assert.Equal(Some.Header(), reader.Header);
        Assert.Equal(changes.OrderBy(c => c.Value).ToList(), read);
        Assert.Equal(changes.Count(c => !c.IsWithdrawal), reader.Added);
        Assert.Equal(changes.Count(c => c.IsWithdrawal), reader.Withdrawn);
    }

    [Fact]
    public async Task The_same_release_gives_the_same_bytes_whatever_the_input_order()
    {
        var changes = Some.Changes(300);
        var shuffled = changes.OrderBy(c => c.Value.Hex.GetHashCode(StringComparison.Ordinal)).ToList();

        var a = await Some.Release(Some.Header(), changes);
        var b = await Some.Release(Some.Header(), shuffled);

        Assert.Equal(a, b);
    }

    [Fact]
    public async Task A_million_entry_release_stays_well_under_100_MB_at_about_30_bytes_an_entry()
    {
        // Size per record is fixed by the format: measure it on a smaller release and scale.
        var bytes = await Some.Release(Some.Header(), Some.Changes(10_000));
        var perEntry = bytes.Length / 10_000.0;
        Assert.InRange(perEntry, 20, 40);
    }

    [Fact]
    public async Task The_writer_refuses_a_change_out_of_order()
    {
        var writer = await ReleaseWriter.StartAsync(new MemoryStream(), Some.Header());
        await writer.WriteAsync(ReleaseChange.Withdraw(Some.Md5("b")));
        var e = await Assert.ThrowsAsync<ReleaseFormatException>(async () => await writer.WriteAsync(ReleaseChange.Add(Some.Sha256("a"), Some.Csam)));
        Assert.Contains("canonical order", e.Message);
    }

    [Fact]
    public async Task The_writer_refuses_a_value_given_twice()
    {
        var writer = await ReleaseWriter.StartAsync(new MemoryStream(), Some.Header());
        await writer.WriteAsync(ReleaseChange.Add(Some.Sha256("a"), Some.Csam));
        var e = await Assert.ThrowsAsync<ReleaseFormatException>(async () => await writer.WriteAsync(ReleaseChange.Withdraw(Some.Sha256("a"))));
        Assert.Contains("listed twice", e.Message);
    }

    [Fact]
    public async Task The_reader_refuses_bytes_after_the_end_marker()
    {
        var bytes = await Some.Release(Some.Header(), Some.Changes(3));
        var e = await Assert.ThrowsAsync<ReleaseFormatException>(() => Some.ReadAll([.. bytes, 0x00]));
        Assert.Contains("bytes follow the end marker", e.Message);
    }

    [Fact]
    public async Task The_reader_refuses_a_truncated_release()
    {
        var bytes = await Some.Release(Some.Header(), Some.Changes(3));
        var e = await Assert.ThrowsAsync<ReleaseFormatException>(() => Some.ReadAll(bytes[..^1]));
        Assert.Contains("without its end marker", e.Message);
    }

    [Fact]
    public async Task The_reader_refuses_records_out_of_order()
    {
        // Two withdrawals (fixed-size records just before the end marker) swapped in place.
        var first = Some.Md5("x");
        var second = Some.Md5("y");
        var (lo, hi) = first < second ? (first, second) : (second, first);
        var bytes = await Some.Release(Some.Header(), [ReleaseChange.Withdraw(lo), ReleaseChange.Withdraw(hi)]);
        var swapped = bytes.ToArray();
        bytes.AsSpan(bytes.Length - 1 - 36, 18).CopyTo(swapped.AsSpan(bytes.Length - 1 - 18));
        bytes.AsSpan(bytes.Length - 1 - 18, 18).CopyTo(swapped.AsSpan(bytes.Length - 1 - 36));

        var e = await Assert.ThrowsAsync<ReleaseFormatException>(() => Some.ReadAll(swapped));
        Assert.Contains("not in canonical order", e.Message);
    }

    [Fact]
    public async Task The_reader_refuses_another_format_version()
    {
        var bytes = await Some.Release(Some.Header(), []);
        bytes[7] = 2;
        var e = await Assert.ThrowsAsync<ReleaseFormatException>(() => ReleaseReader.OpenAsync(new MemoryStream(bytes)));
        Assert.Contains("format version 2 is not supported", e.Message);
    }

    [Fact]
    public async Task The_reader_refuses_a_file_that_is_not_a_release()
    {
        var e = await Assert.ThrowsAsync<ReleaseFormatException>(() => ReleaseReader.OpenAsync(new MemoryStream("signal,value\n"u8.ToArray())));
        Assert.Contains("does not start with FEDREL", e.Message);
    }

    [Fact]
    public async Task An_empty_release_refreshes_the_expiry_and_round_trips()
    {
        var bytes = await Some.Release(Some.Header(version: 2, previous: Federation.Core.Envelopes.ContentDigest.Of([])), []);
        var summary = await ReleaseSummary.ReadAsync(new MemoryStream(bytes));
        Assert.Equal(0, summary.Added + summary.Withdrawn);
        Assert.Equal(bytes.Length, summary.Length);
    }
}

using Federation.Core.Releases;
using Federation.Tests.Support;

namespace Federation.Core.Tests.Releases;

public class ReleasePackerTests
{
    [Fact]
    public async Task Sorting_through_temporary_runs_gives_the_same_bytes_as_sorting_in_memory()
    {
        var changes = Some.Changes(1000);
        var inMemory = await Some.Release(Some.Header(), changes);
        var spilled = await Some.Release(Some.Header(), changes, new PackOptions(RunLength: 37));
        Assert.Equal(inMemory, spilled);
    }

    [Fact]
    public async Task A_value_given_twice_is_refused_naming_both_lines()
    {
        List<ReleaseChange> changes = [.. Some.Changes(10), ReleaseChange.Add(Some.Sha256("4"), Some.Deepfake)];
        // Some.Sourced numbers from line 2: change 4 is line 6, the repeat (index 10) is line 12.
        var e = await Assert.ThrowsAsync<ReleaseFormatException>(() => Some.Release(Some.Header(), changes, new PackOptions(RunLength: 3)));
        Assert.Contains("line 12:", e.Message);
        Assert.Contains("already listed on line 6", e.Message);
    }

    [Fact]
    public async Task Adding_and_withdrawing_the_same_value_in_one_release_is_refused()
    {
        var e = await Assert.ThrowsAsync<ReleaseFormatException>(() =>
            Some.Release(Some.Header(), [ReleaseChange.Add(Some.Md5("a"), Some.Csam), ReleaseChange.Withdraw(Some.Md5("a"))]));
        Assert.Contains("line 3:", e.Message);
        Assert.Contains("already listed on line 2", e.Message);
    }

    [Fact]
    public async Task The_summary_digest_is_the_SHA256_of_the_bytes_written()
    {
        using var output = new MemoryStream();
        var summary = await ReleasePacker.PackAsync(Some.Header(), Some.Sourced(Some.Changes(50)), output);
        Assert.Equal(Federation.Core.Envelopes.ContentDigest.Of(output.ToArray()), summary.Digest);
        Assert.Equal(output.Length, summary.Length);
    }

    [Fact]
    public async Task More_distinct_labels_than_the_format_indexes_are_refused()
    {
        var changes = Enumerable.Range(0, 65_536)
            .Select(i => ReleaseChange.Add(Some.Sha256("l" + i), new EntryLabel(Classification.Parse("c" + i))));
        var e = await Assert.ThrowsAsync<ReleaseFormatException>(() => Some.Release(Some.Header(), changes));
        Assert.Contains("at most 65535 distinct", e.Message);
    }
}

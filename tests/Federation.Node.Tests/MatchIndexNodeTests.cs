using Federation.Core.Matching;
using Federation.Node.Matching;
using Federation.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary>The node's match index follows committed releases, its own and its peers', and a restart rebuilds the same index.</summary>
public sealed class MatchIndexNodeTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    private static string Pdq(int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[32];
        random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private static string Sha256(int seed) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(seed)));

    [Fact]
    public async Task A_release_received_from_a_peer_becomes_matchable_without_restart_and_a_withdrawal_stops_it_matching()
    {
        await ListSteps.CreateAsync(nodes.Kr, "live", "all-peers");
        await ListSteps.PublishAsync(nodes.Kr, "live", ListSteps.Csv($"pdq,{Pdq(1)},csam", $"sha256,{Sha256(1)},csam"));
        using var officer = MatchSteps.Person(nodes.Fr, "officer");
        var near = PdqHash.Parse(Pdq(1)).FlipBit(3).FlipBit(200).ToString();
        var before = await MatchSteps.AnswerAsync(await MatchSteps.HashesAsync(officer, ("pdq", near), ("sha256", Sha256(1))));
        Assert.All(before.Inputs, input => Assert.Empty(input.Hits));

        await ListSteps.PullAsync(nodes.Fr, nodes.Kr);
        await MatchSteps.WaitForIndexAsync(nodes.Fr, "kr-knpa", "live", 1);
        var received = await MatchSteps.AnswerAsync(await MatchSteps.HashesAsync(officer, ("pdq", near), ("sha256", Sha256(1))));

        var pdqHit = Assert.Single(received.Inputs[0].Hits);
        Assert.Equal(("pdq", Pdq(1), 2, "kr-knpa", "live", 1L, "csam"), (pdqHit.Signal, pdqHit.Value, pdqHit.Distance, pdqHit.Origin, pdqHit.ListId, pdqHit.ReleaseVersion, pdqHit.Classification));
        Assert.Equal(("sha256", 0), (Assert.Single(received.Inputs[1].Hits).Signal, received.Inputs[1].Hits[0].Distance));

        await ListSteps.PublishAsync(nodes.Kr, "live", ListSteps.Csv($"pdq,{Pdq(1)},-withdraw"));
        await ListSteps.PullAsync(nodes.Fr, nodes.Kr);
        await MatchSteps.WaitForIndexAsync(nodes.Fr, "kr-knpa", "live", 2);
        var withdrawn = await MatchSteps.AnswerAsync(await MatchSteps.HashesAsync(officer, ("pdq", near), ("sha256", Sha256(1))));

        Assert.Empty(withdrawn.Inputs[0].Hits);
        Assert.Single(withdrawn.Inputs[1].Hits); // the list's other entry still matches
    }

    [Fact]
    public async Task A_nodes_own_release_is_matchable_on_it_at_once()
    {
        await ListSteps.CreateAsync(nodes.Kr, "own", "all-peers");
        await ListSteps.PublishAsync(nodes.Kr, "own", ListSteps.Csv($"sha256,{Sha256(50)},ncii"));
        await MatchSteps.WaitForIndexAsync(nodes.Kr, "kr-knpa", "own", 1);

        using var officer = MatchSteps.Person(nodes.Kr, "officer");
        var answer = await MatchSteps.AnswerAsync(await MatchSteps.HashesAsync(officer, ("sha256", Sha256(50))));

        Assert.Equal(("kr-knpa", "own", "ncii"), (answer.Inputs[0].Hits[0].Origin, answer.Inputs[0].Hits[0].ListId, answer.Inputs[0].Hits[0].Classification));
    }

    [Fact]
    public async Task The_index_rebuilt_at_start_up_equals_the_one_built_release_by_release()
    {
        await ListSteps.CreateAsync(nodes.Kr, "restart", "all-peers");
        var rows = Enumerable.Range(100, 40).Select(i => i % 2 == 0 ? $"pdq,{Pdq(i)},csam" : $"sha256,{Sha256(i)},ncii").ToArray();
        await ListSteps.PublishAsync(nodes.Kr, "restart", ListSteps.Csv(rows[..30]));
        await ListSteps.PublishAsync(nodes.Kr, "restart", ListSteps.Csv([.. rows[30..], .. rows[..10].Select(r => r[..r.LastIndexOf(',')] + ",-withdraw")]));
        await ListSteps.PullAsync(nodes.Fr, nodes.Kr);
        await MatchSteps.WaitForIndexAsync(nodes.Fr, "kr-knpa", "restart", 2);
        var queries = Enumerable.Range(100, 40).Select(i => i % 2 == 0 ? ("pdq", Pdq(i)) : ("sha256", Sha256(i))).ToArray();

        var incremental = await SnapshotAsync(queries);
        await nodes.Fr.StopAsync();
        await nodes.Fr.StartAsync();
        await nodes.Fr.Services.GetRequiredService<EntryIndex>().Loaded.WaitAsync(TimeSpan.FromSeconds(30));
        var rebuilt = await SnapshotAsync(queries);

        Assert.Equal(incremental, rebuilt);
        Assert.Equal(30, incremental.Hits.Split('\n').Count(h => h != "")); // 40 published, 10 withdrawn
    }

    private async Task<(EntryIndex.Counts Counts, string Versions, string Hits)> SnapshotAsync((string, string)[] queries)
    {
        var index = nodes.Fr.Services.GetRequiredService<EntryIndex>();
        var versions = string.Join(",", (await index.VersionsAsync(CancellationToken.None)).OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}"));
        using var officer = MatchSteps.Person(nodes.Fr, "officer");
        var answer = await MatchSteps.AnswerAsync(await MatchSteps.HashesAsync(officer, queries));
        return (index.Count, versions, string.Join("\n", answer.Inputs.Select(i => string.Join(";", i.Hits.Select(h => $"{h.ListId}:{h.Signal}:{h.Value}:{h.Distance}:{h.ReleaseVersion}")))));
    }
}

using Federation.Node.Lists;
using Federation.Node.Matching;
using Federation.Node.Sync;
using Federation.Node.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary>
/// A list stops matching at its release's expiry, by the node's clock and with no restart, and a match names the
/// expired list it would have hit; a release that arrives already expired is recorded without breaking the list's
/// chain, so the next release applies. Each test moves fr's clock, so each gets its own two nodes.
/// </summary>
public sealed class ListExpiryTests : IAsyncLifetime
{
    private readonly TestNode _kr = new("kr-knpa");
    private readonly ShiftedClock _frClock = new();
    private readonly TestNode _fr;

    public ListExpiryTests() => _fr = new("fr-ofmin") { Clock = _frClock };

    public async Task InitializeAsync()
    {
        _kr.Peers.Add(_fr);
        _fr.Peers.Add(_kr);
        await Task.WhenAll(_kr.StartAsync(), _fr.StartAsync());
    }

    public async Task DisposeAsync()
    {
        await _kr.DisposeAsync();
        await _fr.DisposeAsync();
    }

    private static string Md5(int i) => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(BitConverter.GetBytes(i)));

    [Fact]
    public async Task A_list_stops_matching_at_its_expiry_without_restart_and_the_hit_it_would_have_had_names_the_list()
    {
        await ListSteps.CreateAsync(_kr, "short", "all-peers");
        await ListSteps.PublishAsync(_kr, "short", ListSteps.Csv(ListSteps.Md5Row(1)), expires: "1d");
        await ListSteps.PullAsync(_fr, _kr);
        await MatchSteps.WaitForIndexAsync(_fr, "kr-knpa", "short", 1);
        using var officer = MatchSteps.Person(_fr, "officer");

        var before = await MatchSteps.AnswerAsync(await MatchSteps.HashesAsync(officer, ("md5", Md5(1))));
        Assert.Equal("short", Assert.Single(before.Inputs[0].Hits).ListId);
        Assert.Empty(before.Inputs[0].NotMatched);

        await using (var session = _fr.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var expires = (await session.LoadAsync<HashList>("kr-knpa/short"))!.Expires!.Value;
            _frClock.Advance(expires - _frClock.GetUtcNow() + TimeSpan.FromSeconds(1));
            var after = await MatchSteps.AnswerAsync(await MatchSteps.HashesAsync(officer, ("md5", Md5(1))));
            Assert.Empty(after.Inputs[0].Hits);
            var expired = Assert.Single(after.Inputs[0].NotMatched);
            Assert.Equal(("kr-knpa", "short", MatchAnswer.ListExpired, expires, 1), (expired.Origin, expired.ListId, expired.Reason, expired.Expires, expired.Hits));
        }
    }

    [Fact]
    public async Task A_release_that_arrives_expired_is_recorded_and_the_next_release_applies()
    {
        await ListSteps.CreateAsync(_kr, "late", "all-peers");
        await ListSteps.PublishAsync(_kr, "late", ListSteps.Csv(ListSteps.Md5Row(1)), expires: "1d");
        _frClock.Advance(TimeSpan.FromDays(2)); // fr pulls only after v1 expired (a paused or slow sync)

        var first = await ListSteps.PullAsync(_fr, _kr);
        Assert.Equal((1, 0), (first.Applied, first.Quarantined));
        await using (var session = _fr.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var received = (ReleaseReceived)Assert.Single(await session.Events.FetchStreamAsync(HashList.Stream("kr-knpa", "late"))).Data;
            Assert.Equal((1L, true), (received.Version, received.ExpiredOnArrival));
        }
        await MatchSteps.WaitForIndexAsync(_fr, "kr-knpa", "late", 1);
        using var officer = MatchSteps.Person(_fr, "officer");
        var expired = await MatchSteps.AnswerAsync(await MatchSteps.HashesAsync(officer, ("md5", Md5(1))));
        Assert.Empty(expired.Inputs[0].Hits);
        Assert.Equal(MatchAnswer.ListExpired, Assert.Single(expired.Inputs[0].NotMatched).Reason);

        // v2 follows v1 in the chain and only adds an entry: v1's entry is still active with it.
        await ListSteps.PublishAsync(_kr, "late", ListSteps.Csv(ListSteps.Md5Row(2)), expires: "30d");
        var second = await ListSteps.PullAsync(_fr, _kr);
        Assert.Equal((1, 0), (second.Applied, second.Quarantined));
        await MatchSteps.WaitForIndexAsync(_fr, "kr-knpa", "late", 2);
        var live = await MatchSteps.AnswerAsync(await MatchSteps.HashesAsync(officer, ("md5", Md5(1)), ("md5", Md5(2))));
        Assert.All(live.Inputs, input =>
        {
            Assert.Equal("late", Assert.Single(input.Hits).ListId);
            Assert.Empty(input.NotMatched);
        });
    }
}

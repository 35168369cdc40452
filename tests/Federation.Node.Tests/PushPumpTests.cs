using System.Diagnostics;
using System.Text.Json.Nodes;
using Federation.Node.Tests.Support;

namespace Federation.Node.Tests;

/// <summary>kr-knpa with its outbox pump running (woken by the commit's NOTIFY), and fr-ofmin.</summary>
public sealed class PumpedNodes : IAsyncLifetime
{
    public TestNode Kr { get; } = new("kr-knpa") { Customize = c => c["Node"]!.AsObject()["Outbox"] = new JsonObject { ["Pump"] = true } };
    public TestNode Fr { get; } = new("fr-ofmin");

    public async Task InitializeAsync()
    {
        Kr.Peers.Add(Fr);
        Fr.Peers.Add(Kr);
        await Task.WhenAll(Kr.StartAsync(), Fr.StartAsync());
    }

    public async Task DisposeAsync()
    {
        await Kr.DisposeAsync();
        await Fr.DisposeAsync();
    }
}

/// <summary>Push as it runs in a node: nobody calls delivery; the commit wakes the pump, which pushes within seconds.</summary>
public sealed class PushPumpTests(PumpedNodes nodes) : IClassFixture<PumpedNodes>
{
    [Fact]
    public async Task A_committed_message_is_pushed_by_the_pump_within_seconds()
    {
        var clock = Stopwatch.StartNew();
        var sent = await PushSteps.SendAsync(nodes.Kr, nodes.Fr);

        long receipts = 0;
        for (var i = 0; i < 100 && receipts == 0; i++)
        {
            await Task.Delay(100);
            receipts = await PushSteps.CountAsync(nodes.Kr, "SELECT count(*) FROM fed.mt_events WHERE type = 'push_receipt_stored' AND data->>'ItemId' = $1", sent.Id);
        }
        clock.Stop();

        Assert.Equal(1, receipts);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"send to stored receipt took {clock.Elapsed}");
        Assert.Equal(1, await PushSteps.CountAsync(nodes.Fr, "SELECT count(*) FROM fed.mt_events WHERE type = 'message_received' AND data->>'Id' = $1", sent.Id));
    }

    [Fact]
    public async Task A_release_for_a_named_audience_is_pushed_to_it_without_waiting_for_a_pull()
    {
        await ListSteps.CreateAsync(nodes.Kr, "pushed", "fr-ofmin");
        var digest = await ListSteps.PublishAsync(nodes.Kr, "pushed", ListSteps.Csv(ListSteps.Md5Row(1), ListSteps.Md5Row(2)));

        var held = 0;
        for (var i = 0; i < 100 && held == 0; i++)
        {
            await Task.Delay(100);
            held = (await ListSteps.ActiveAsync(nodes.Fr, "kr-knpa", "pushed")).Count;
        }

        Assert.Equal(2, held);
        Assert.Equal(1, await PushSteps.CountAsync(nodes.Fr, "SELECT count(*) FROM fed.received_items WHERE content_sha256 = $1 AND via = 'push'", digest));
        // The pull that follows finds it already held: a duplicate, not a rollback.
        var pull = await ListSteps.PullAsync(nodes.Fr, nodes.Kr);
        Assert.Equal((0, 0), (pull.Applied, pull.Quarantined));
        Assert.Equal(1, await PushSteps.CountAsync(nodes.Fr, "SELECT duplicates FROM fed.received_items WHERE content_sha256 = $1", digest));
    }
}

using System.Net;
using Federation.Node.Tests.Support;

namespace Federation.Node.Tests;

/// <summary>Peer sync between three real nodes: audience, withdrawals, catching up, resuming after a cut.</summary>
public sealed class SyncTests(ThreeNodes nodes) : IClassFixture<ThreeNodes>
{
    [Fact]
    public async Task A_list_for_fr_only_reaches_fr_and_nl_can_neither_see_it_nor_fetch_its_object()
    {
        await ListSteps.CreateAsync(nodes.Kr, "fr-only", "fr-ofmin");
        var digest = await ListSteps.PublishAsync(nodes.Kr, "fr-only", ListSteps.Csv(ListSteps.Md5Row(1), ListSteps.Md5Row(2)));

        var fr = await ListSteps.PullAsync(nodes.Fr, nodes.Kr);
        var nl = await ListSteps.PullAsync(nodes.Nl, nodes.Kr);

        Assert.Equal("ok", fr.Status);
        Assert.Equal(2, (await ListSteps.ActiveAsync(nodes.Fr, "kr-knpa", "fr-only")).Count);
        Assert.Equal("ok", nl.Status);
        Assert.Empty(await ListSteps.ActiveAsync(nodes.Nl, "kr-knpa", "fr-only"));
        Assert.Equal(0, await ListSteps.ScalarAsync(nodes.Nl, "SELECT count(*) FROM fed.blobs WHERE sha256 = $1", digest));

        using var nlClient = Clients.DevNodeClient("nl-police", nodes.Kr);
        using var response = await nlClient.GetAsync($"federation/v1/objects/{digest}");
        Assert.Equal("not-in-audience", await ProblemReason.Of(response, HttpStatusCode.Forbidden));
        using var frClient = Clients.DevNodeClient("fr-ofmin", nodes.Kr);
        Assert.Equal(HttpStatusCode.OK, (await frClient.GetAsync($"federation/v1/objects/{digest}")).StatusCode);
    }

    [Fact]
    public async Task A_withdrawal_on_kr_disappears_from_frs_active_entries_after_the_next_sync()
    {
        await ListSteps.CreateAsync(nodes.Kr, "withdrawals", "all-peers");
        await ListSteps.PublishAsync(nodes.Kr, "withdrawals", ListSteps.Csv(ListSteps.Md5Row(10), ListSteps.Md5Row(11), ListSteps.Md5Row(12)));
        await ListSteps.PullAsync(nodes.Fr, nodes.Kr);
        Assert.Equal(3, (await ListSteps.ActiveAsync(nodes.Fr, "kr-knpa", "withdrawals")).Count);

        await ListSteps.PublishAsync(nodes.Kr, "withdrawals", ListSteps.Csv(ListSteps.Md5Row(11, "-withdraw")));
        await ListSteps.PullAsync(nodes.Fr, nodes.Kr);

        var held = await ListSteps.ActiveAsync(nodes.Fr, "kr-knpa", "withdrawals");
        Assert.Equal(await ListSteps.ActiveAsync(nodes.Kr, "kr-knpa", "withdrawals"), held);
        Assert.Equal(2, held.Count);
    }

    [Fact]
    public async Task A_sync_cut_between_pages_resumes_where_it_stopped_with_no_loss_and_no_duplicate()
    {
        await ListSteps.CreateAsync(nodes.Kr, "resume", "nl-police");
        for (var v = 0; v < 4; v++)
            await ListSteps.PublishAsync(nodes.Kr, "resume", ListSteps.Csv(ListSteps.Md5Row(100 + v)));

        var cut = await ListSteps.PullAsync(nodes.Nl, nodes.Kr, maxPages: 2, pageSize: 1);
        Assert.Equal("stopped", cut.Status);
        var cursorAfterCut = cut.State.Cursor;
        Assert.True(cut.State.Lag > 0);

        var rest = await ListSteps.PullAsync(nodes.Nl, nodes.Kr, pageSize: 1);
        Assert.Equal("ok", rest.Status);
        Assert.True(rest.State.Cursor > cursorAfterCut);
        Assert.Equal(0, rest.State.Lag);

        Assert.Equal(await ListSteps.ActiveAsync(nodes.Kr, "kr-knpa", "resume"), await ListSteps.ActiveAsync(nodes.Nl, "kr-knpa", "resume"));
        // Exactly one event per release, versions 1..4 in order.
        Assert.Equal(4, await ListSteps.ScalarAsync(nodes.Nl, "SELECT count(*) FROM fed.mt_events WHERE stream_id = 'list:kr-knpa/resume' AND type = 'release_received'"));
        Assert.Equal(4, await ListSteps.ScalarAsync(nodes.Nl, "SELECT max((data->>'Version')::bigint) FROM fed.mt_events WHERE stream_id = 'list:kr-knpa/resume'"));

        var again = await ListSteps.PullAsync(nodes.Nl, nodes.Kr);
        Assert.Equal(0, again.Applied);
        Assert.Equal(4, await ListSteps.ScalarAsync(nodes.Nl, "SELECT count(*) FROM fed.mt_events WHERE stream_id = 'list:kr-knpa/resume' AND type = 'release_received'"));
    }

    [Fact]
    public async Task Sync_health_is_shown_on_the_peers_api()
    {
        await ListSteps.CreateAsync(nodes.Kr, "health", "all-peers");
        await ListSteps.PublishAsync(nodes.Kr, "health", ListSteps.Csv(ListSteps.Md5Row(200)));
        using var op = Clients.DevPerson("fr-ofmin", "operator", nodes.Fr);
        using var response = await op.PostAsync("api/v1/peers/kr-knpa/sync?wait=true", Clients.EmptyJson());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var doc = System.Text.Json.JsonDocument.Parse(await op.GetStringAsync("api/v1/peers"));
        var kr = doc.RootElement.EnumerateArray().Single(p => p.GetProperty("nodeId").GetString() == "kr-knpa").GetProperty("sync");
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, kr.GetProperty("lastSuccess").ValueKind);
        Assert.True(kr.GetProperty("itemsReceived").GetInt64() >= 1);
        Assert.True(kr.GetProperty("bytesReceived").GetInt64() > 0);
        Assert.Equal(0, kr.GetProperty("lag").GetInt64());
        Assert.Equal(0, kr.GetProperty("consecutiveFailures").GetInt32());

        // The same on the local health port, as Prometheus text.
        using var local = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{nodes.Fr.HealthPort}/") };
        var metrics = await local.GetStringAsync("metrics");
        Assert.Contains("federation_peer_sync_lag_items{peer=\"kr-knpa\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Matches("federation_peer_sync_items_received_total\\{peer=\"kr-knpa\"\\} [1-9]", metrics);
    }

    [Fact]
    public async Task Fr_down_while_kr_publishes_three_releases_leaves_nl_unaffected_and_fr_catches_up_in_order()
    {
        await ListSteps.CreateAsync(nodes.Kr, "while-down", "all-peers");
        await nodes.Fr.StopAsync();
        try
        {
            for (var v = 0; v < 3; v++)
                await ListSteps.PublishAsync(nodes.Kr, "while-down", ListSteps.Csv(ListSteps.Md5Row(300 + v)));
            // NL pulls from both peers: fr-ofmin is down, which fails that pull only.
            var fromFr = await ListSteps.PullAsync(nodes.Nl, nodes.Fr);
            var fromKr = await ListSteps.PullAsync(nodes.Nl, nodes.Kr);
            Assert.Equal("failed", fromFr.Status);
            Assert.Equal(1, fromFr.State.ConsecutiveFailures);
            Assert.Equal("ok", fromKr.Status);
            Assert.Equal(3, (await ListSteps.ActiveAsync(nodes.Nl, "kr-knpa", "while-down")).Count);
        }
        finally
        {
            await nodes.Fr.StartAsync();
        }

        var caughtUp = await ListSteps.PullAsync(nodes.Fr, nodes.Kr);

        Assert.Equal("ok", caughtUp.Status);
        Assert.Equal(await ListSteps.ActiveAsync(nodes.Kr, "kr-knpa", "while-down"), await ListSteps.ActiveAsync(nodes.Fr, "kr-knpa", "while-down"));
        var versions = await ListSteps.ScalarAsync(nodes.Fr,
            "SELECT count(*) FROM (SELECT (data->>'Version')::bigint v, seq_id, lag((data->>'Version')::bigint) OVER (ORDER BY seq_id) prev FROM fed.mt_events WHERE stream_id = 'list:kr-knpa/while-down') x WHERE prev IS NULL OR v = prev + 1");
        Assert.Equal(3, versions); // applied 1, 2, 3 in order
    }

    [Fact]
    public async Task Fedctl_sync_now_with_wait_pulls_and_reports_the_outcome()
    {
        await ListSteps.CreateAsync(nodes.Kr, "via-fedctl", "nl-police");
        await ListSteps.PublishAsync(nodes.Kr, "via-fedctl", ListSteps.Csv(ListSteps.Md5Row(400)));
        string Dev(string file) => Repo.CertsDev("nl-police", file);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = Federation.Cli.FedCtl.Run(["sync", "now", "--node", nodes.Nl.AgencyUrl.ToString(), "--cert", Dev("operator.crt"), "--key", Dev("operator.key"),
            "--ca", Dev("ca.crt"), "--peer", "kr-knpa", "--wait"], stdout, stderr, TimeProvider.System);

        Assert.True(exit == 0, stderr.ToString());
        Assert.StartsWith("kr-knpa: ok, ", stdout.ToString(), StringComparison.Ordinal);
        Assert.Single(await ListSteps.ActiveAsync(nodes.Nl, "kr-knpa", "via-fedctl"));
    }
}

using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Federation.Node.Tests.Support;

namespace Federation.Node.Tests;

/// <summary>
/// fr-ofmin as a real child process (the built Federation.Node.dll with a generated settings file), killed with
/// SIGKILL in the middle of a many-page pull from kr-knpa: what it committed is consistent (one page, one transaction,
/// the cursor with it), and after a restart the pull finishes with no item lost and none applied twice.
/// </summary>
public sealed class SyncKillTests : IAsyncLifetime
{
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(120);

    private const int Releases = 60;
    private readonly TestNode _kr = new("kr-knpa");
    private readonly TestNode _fr = new("fr-ofmin") { Customize = c => c["Node"]!.AsObject()["Sync"] = new JsonObject { ["PageSize"] = 1 } };
    private readonly StringBuilder _childOutput = new();

    public async Task InitializeAsync()
    {
        _kr.Peers.Add(_fr);
        _fr.Peers.Add(_kr);
        await _kr.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _kr.DisposeAsync();
        await _fr.DisposeAsync();
    }

    [Fact]
    public async Task A_node_killed_mid_pull_resumes_after_restart_with_no_loss_no_duplicate_and_a_consistent_cursor()
    {
        await ListSteps.CreateAsync(_kr, "crash", "fr-ofmin");
        for (var v = 0; v < Releases; v++)
            await ListSteps.PublishAsync(_kr, "crash", ListSteps.Csv(ListSteps.Md5Row(1000 + v)));
        var config = await _fr.WriteConfigAsync();

        using (var child = await StartChild(config))
        {
            try
            {
                using var op = Clients.DevPerson("fr-ofmin", "operator", _fr);
                var pull = op.PostAsync("api/v1/peers/kr-knpa/sync?wait=true", Clients.EmptyJson());
                var cursor = 0L;
                for (var i = 0; i < 600 && cursor < 3; i++)
                {
                    await Task.Delay(20);
                    cursor = await Cursor();
                }
                child.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no flush, the page in flight is lost
                await child.WaitForExitAsync();
                await Assert.ThrowsAnyAsync<Exception>(() => pull);
            }
            finally
            {
                if (!child.HasExited) child.Kill(entireProcessTree: true);
            }
        }

        var atKill = await Cursor();
        Assert.True(atKill is > 0 and < Releases, $"the kill should land mid-pull, but the cursor was {atKill} of {Releases}\n{_childOutput}");
        // Consistent: exactly the pages up to the cursor were applied (one release per page), each once.
        Assert.Equal(atKill, await Received());
        Assert.Equal(atKill, await ListSteps.ScalarAsync(_fr, "SELECT count(*) FROM fed.received_items WHERE kind = 'release'"));

        using (var child = await StartChild(config))
        {
            try
            {
                using var op = Clients.DevPerson("fr-ofmin", "operator", _fr);
                using var response = await op.PostAsync("api/v1/peers/kr-knpa/sync?wait=true", Clients.EmptyJson());
                Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            }
            finally
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }
        }

        Assert.Equal(Releases, await Cursor());
        Assert.Equal(Releases, await Received());
        Assert.Equal(0, await ListSteps.ScalarAsync(_fr, "SELECT coalesce(sum(duplicates), 0) FROM fed.received_items"));
        Assert.Equal(0, await ListSteps.ScalarAsync(_fr, "SELECT count(*) FROM fed.mt_events WHERE type = 'item_quarantined'"));
        Assert.Equal(Releases, await ListSteps.ScalarAsync(_fr,
            "SELECT count(*) FROM (SELECT (data->>'Version')::bigint v, row_number() OVER (ORDER BY seq_id) n FROM fed.mt_events WHERE type = 'release_received') x WHERE v = n"));
        Assert.Equal(await ListSteps.ActiveAsync(_kr, "kr-knpa", "crash"), await ListSteps.ActiveAsync(_fr, "kr-knpa", "crash"));
    }

    private Task<long> Cursor() =>
        ListSteps.ScalarAsync(_fr, "SELECT coalesce((SELECT (data->>'Cursor')::bigint FROM fed.mt_doc_peersyncstate WHERE id = 'kr-knpa'), 0)");

    private Task<long> Received() =>
        ListSteps.ScalarAsync(_fr, "SELECT count(*) FROM fed.mt_events WHERE type = 'release_received' AND stream_id = 'list:kr-knpa/crash'");

    /// <summary>Runs the node as built next to this test assembly's configuration, and waits until it is ready.</summary>
    private async Task<Process> StartChild(string config)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // …/bin/<Configuration>/net10.0/
        var dll = Path.Combine(Repo.Root, "src", "Federation.Node", "bin", configuration, "net10.0", "Federation.Node.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "--environment", "Development", "--config", config }) start.ArgumentList.Add(a);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var child = Process.Start(start)!;
        child.OutputDataReceived += (_, e) => { lock (_childOutput) _childOutput.AppendLine(e.Data); };
        child.ErrorDataReceived += (_, e) => { lock (_childOutput) _childOutput.AppendLine(e.Data); };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        using var health = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_fr.HealthPort}/"), Timeout = TimeSpan.FromSeconds(2) };
        // A deadline, not a count of tries: a loaded CI machine starts a .NET process and applies the schema slowly.
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyWithin)
        {
            if (child.HasExited) Assert.Fail($"the node exited with {child.ExitCode}:\n{_childOutput}");
            try
            {
                if ((await health.GetAsync("readyz")).IsSuccessStatusCode) return child;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        child.Kill(entireProcessTree: true);
        Assert.Fail($"the node did not become ready in {ReadyWithin.TotalSeconds} s:\n{_childOutput}");
        return child;
    }
}

using Federation.Core.Requests;
using Federation.Node.Tests.Support;
using static Federation.Node.Tests.Support.RequestSteps;

namespace Federation.Node.Tests;

/// <summary>
/// Hangfire keeps its log provider process-wide. Several nodes share the test process, so a node that stops must not
/// break the Hangfire client of a node that is still running (drafting a request schedules its clock jobs).
/// </summary>
public sealed class HangfireInOneProcessTests
{
    [Fact]
    public async Task A_node_still_schedules_jobs_after_another_node_in_the_process_stopped()
    {
        var fr = new TestNode("fr-ofmin"); // a configured peer only; never started
        await using var survivor = new TestNode("kr-knpa");
        survivor.Peers.Add(fr);
        await survivor.StartAsync();
        await using (var stopped = new TestNode("kr-knpa"))
        {
            stopped.Peers.Add(fr);
            await stopped.StartAsync();
            await DraftAsync(stopped, "officer", RequestType.Preserve, "BUDAPEST:29", "fr-ofmin", Preservation);
        }
        var draft = await DraftAsync(survivor, "officer", RequestType.Preserve, "BUDAPEST:29", "fr-ofmin", Preservation);
        Assert.Equal("draft", draft.Case.State.ToString().ToLowerInvariant());
    }
}

using Federation.Node.Ledger;
using Federation.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary>kr's peers are fr (up) and nl (down): the fresh checkpoint is cosigned by fr and refused by nl for being
/// unreachable, and <c>fedctl audit witnesses</c> writes fr's view and a line for nl.</summary>
public sealed class LedgerWitnessViewUnansweredTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    [Fact]
    public async Task A_peer_that_is_down_is_named_by_the_export_and_by_the_views_and_the_others_answer()
    {
        await LedgerEvents.AppendAsync(nodes.Kr, 3, "case:down");
        using var audit = new AuditRun("kr-knpa", "fr-ofmin");
        var export = audit.Export(nodes.Kr);
        Assert.True(export.Exit == 0, export.Err);
        Assert.Contains("cosigned by 1 of 2 witnesses", export.Out, StringComparison.Ordinal);
        Assert.Contains("  nl-police: REFUSED: ", export.Out, StringComparison.Ordinal);

        var views = audit.Witnesses(nodes.Kr);
        Assert.True(views.Exit == 0, views.Err);
        Assert.Contains("1 of 2 peers' views", views.Out, StringComparison.Ordinal);
        Assert.Contains("no view: nl-police: ", views.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(audit.Witnessed, "fr-ofmin.checkpoint")));
        Assert.False(File.Exists(Path.Combine(audit.Witnessed, "nl-police.checkpoint")));
        Assert.StartsWith("nl-police: ", Assert.Single(File.ReadAllLines(Path.Combine(audit.Witnessed, "unanswered.txt"))), StringComparison.Ordinal);

        var verify = audit.Verify(quorum: 1, freshSince: "2026-01-01T00:00:00Z", witnessed: true);
        Assert.True(verify.Exit == 0, verify.Err);
        Assert.Equal(1, audit.Verify(quorum: 2, freshSince: "2026-01-01T00:00:00Z").Exit);
    }
}

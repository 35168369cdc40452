using Federation.Auditor.Verify;
using Federation.Node.Ledger;
using Federation.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Federation.Node.Tests;

/// <summary>
/// The truncation drill, on real databases with real peers over real TLS: kr's log grows and is cosigned by fr and nl;
/// then kr's operator, as a superuser, cuts the history back to an earlier cosigned checkpoint (the entries, their tree
/// rows and every later checkpoint with its cosignatures) and the auditor exports as usual. The cut log verifies on
/// its own; what catches it is the witnesses: asked for fresh cosignatures during the export they refuse, having seen
/// a larger tree (<c>witness-stale</c>), and their own views are larger than the export (<c>witnessed-larger</c>).
/// </summary>
public sealed class LedgerFreshnessDrillTests(ThreeNodes nodes) : IClassFixture<ThreeNodes>
{
    private TestNode Kr => nodes.Kr;

    [Fact]
    public async Task A_log_cut_back_to_an_earlier_cosigned_checkpoint_is_caught_by_its_witnesses_and_the_honest_log_is_not()
    {
        var earlier = await CosignedAsync(10);
        await CosignedAsync(12);

        // The honest log: fresh cosignatures by both witnesses, and their views match the export.
        using (var honest = new AuditRun("kr-knpa", "fr-ofmin", "nl-police"))
        {
            var asked = AuditRun.Now();
            var export = honest.Export(Kr);
            Assert.True(export.Exit == 0, export.Err);
            Assert.Contains("cosigned by 2 of 2 witnesses", export.Out, StringComparison.Ordinal);
            var fresh = honest.Verify(quorum: 2, freshSince: asked);
            Assert.True(fresh.Exit == 0, fresh.Err);
            Assert.Equal(0, honest.Witnesses(Kr).Exit);
            var witnessed = honest.Verify(quorum: 2, freshSince: asked, witnessed: true);
            Assert.True(witnessed.Exit == 0, witnessed.Err);
            Assert.Contains("2 witnessed views consistent with the bundle", witnessed.Out, StringComparison.Ordinal);
        }

        await CutBackToAsync(earlier.Size);

        using var audit = new AuditRun("kr-knpa", "fr-ofmin", "nl-police");
        var askedAfterCut = AuditRun.Now();
        var cut = audit.Export(Kr);
        Assert.True(cut.Exit == 0, cut.Err);
        Assert.Contains("cosigned by 0 of 2 witnesses", cut.Out, StringComparison.Ordinal);
        Assert.Contains("  fr-ofmin: REFUSED: the witness cosigned size ", cut.Out, StringComparison.Ordinal);
        Assert.Contains("  nl-police: REFUSED: the witness cosigned size ", cut.Out, StringComparison.Ordinal);

        // On its own the cut history is consistent: every entry, tree and checkpoint verifies.
        var alone = audit.Verify();
        Assert.True(alone.Exit == 0, alone.Err);

        var stale = audit.Verify(quorum: 2, freshSince: askedAfterCut);
        Assert.Equal(1, stale.Exit);
        Assert.Contains($"FAILED: {AuditFailure.WitnessStale}: latest checkpoint (size ", stale.Err, StringComparison.Ordinal);
        Assert.Contains("found 0 fresh", stale.Err, StringComparison.Ordinal);

        var views = audit.Witnesses(Kr);
        Assert.True(views.Exit == 0, views.Err);
        Assert.Contains("2 of 2 peers' views", views.Out, StringComparison.Ordinal);
        var larger = audit.Verify(witnessed: true);
        Assert.Equal(1, larger.Exit);
        Assert.Contains($"FAILED: {AuditFailure.WitnessedLarger}: witnessed view fr-ofmin.checkpoint", larger.Err, StringComparison.Ordinal);
        Assert.Contains("the witness saw a larger log than the node exported; its history was cut back", larger.Err, StringComparison.Ordinal);

        // The witnesses refused without taking the cut log for an equivocation: nothing frozen, no evidence.
        foreach (var peer in new[] { nodes.Fr, nodes.Nl })
        {
            var records = peer.Services.GetRequiredService<WitnessRecords>();
            Assert.False((await records.LatestAsync("federation.node/kr-knpa/log", CancellationToken.None)).Record!.Frozen);
            Assert.Empty(await records.EvidenceAsync("federation.node/kr-knpa/log", CancellationToken.None));
        }
    }

    /// <summary>Appends <paramref name="count"/> entries, signs a checkpoint and has both peers cosign it.</summary>
    private async Task<StoredCheckpoint> CosignedAsync(int count)
    {
        await LedgerEvents.AppendAsync(Kr, count, "case:drill");
        var signed = await LedgerEvents.SignAsync(Kr);
        var outcomes = await Kr.Services.GetRequiredService<Witnessing>().CollectAsync(signed, CancellationToken.None);
        Assert.All(outcomes, o => Assert.True(o.Cosigned, o.Detail));
        return signed;
    }

    /// <summary>As a superuser with every trigger off: deletes every entry from <paramref name="size"/> on (leaf rows and
    /// their events), the tree rows that cover them, and every later checkpoint with its cosignatures.</summary>
    private async Task CutBackToAsync(ulong size)
    {
        await using var conn = new NpgsqlConnection(PostgresServer.Admin(Kr.Database!));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"""
            SET session_replication_role = replica;
            DELETE FROM fed.mt_events WHERE id IN (SELECT event_id FROM fed.ledger_leaf WHERE leaf_index >= {size});
            DELETE FROM fed.ledger_leaf WHERE leaf_index >= {size};
            DELETE FROM fed.ledger_node WHERE (node_index + 1) * (1::bigint << level) > {size};
            DELETE FROM fed.ledger_cosignature WHERE checkpoint_id IN (SELECT checkpoint_id FROM fed.ledger_checkpoint WHERE tree_size > {size});
            DELETE FROM fed.ledger_checkpoint WHERE tree_size > {size};
            RESET session_replication_role;
            """, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

using System.Net;
using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Federation.Node.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary>A witness shown two checkpoints of one size with different roots refuses, keeps both, alerts, and stops
/// cosigning that log.</summary>
public sealed class LedgerEquivocationTests(LedgerCheckpointTests.KrAndFr nodes) : IClassFixture<LedgerCheckpointTests.KrAndFr>
{
    [Fact]
    public async Task Two_checkpoints_of_one_size_with_different_roots_are_refused_kept_as_evidence_and_freeze_the_log()
    {
        var (kr, fr) = (nodes.Kr, nodes.Fr);
        await LedgerEvents.AppendAsync(kr, 4);
        var genuine = await LedgerEvents.SignAsync(kr);
        var first = await kr.Services.GetRequiredService<Witnessing>().CollectAsync(genuine, CancellationToken.None);
        Assert.True(Assert.Single(first).Cosigned);

        // kr (or whoever holds its log key) shows fr another history of the same size.
        var forged = LedgerRequests.Forge("kr-knpa", genuine.Size, LedgerRequests.SomeRoot(0xAB));
        using var client = Clients.DevNodeClient("kr-knpa", fr);
        using (var response = await LedgerRequests.PostAsync(client, AddCheckpointRequest.Create(genuine.Size, [], forged)))
            Assert.Equal("same-size-different-root", await ProblemReason.Of(response, HttpStatusCode.UnprocessableEntity));

        var origin = genuine.Signed.Checkpoint.Origin;
        var evidence = Assert.Single(await fr.Services.GetRequiredService<WitnessRecords>().EvidenceAsync(origin, CancellationToken.None));
        Assert.True(evidence.Conclusive);
        var kept = new[] { SignedCheckpoint.Parse(evidence.CosignedCheckpointNote), SignedCheckpoint.Parse(evidence.SubmittedCheckpointNote) };
        Assert.All(kept, k => Assert.Equal(NoteCheck.Valid, k.Verify([LedgerEvents.PublishedLogKey("kr-knpa")]).Result));
        Assert.Equal(kept[0].Checkpoint.Size, kept[1].Checkpoint.Size);
        Assert.NotEqual(kept[0].Checkpoint.RootHash, kept[1].Checkpoint.RootHash);
        Assert.Equal(genuine.Signed.Checkpoint.RootHash, kept[0].Checkpoint.RootHash);
        Assert.True(fr.Logs.Contains("ALERT: log federation.node/kr-knpa/log equivocated"), "no alert was logged");

        // The evidence is a fact in fr's own log too.
        await using (var session = fr.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var events = await session.Events.FetchStreamAsync("witness:" + origin);
            var fact = Assert.Single(events);
            Assert.Equal(forged.ToString(), ((WitnessEquivocationDetected)fact.Data).SubmittedCheckpoint);
            Assert.Contains((await LedgerRows.ReadAsync(fr)).Leaves, l => l.Entry.EventId == fact.Id);
        }

        // From now on fr cosigns nothing of kr's, not even the genuine continuation.
        await LedgerEvents.AppendAsync(kr, 2);
        var next = await LedgerEvents.SignAsync(kr);
        var refused = Assert.Single(await kr.Services.GetRequiredService<Witnessing>().CollectAsync(next, CancellationToken.None));
        Assert.False(refused.Cosigned);
        Assert.Contains("origin-frozen", refused.Detail, StringComparison.Ordinal);
        using (var response = await LedgerRequests.PostAsync(client, await LedgerRequests.GenuineAsync(kr, next, genuine.Size)))
            Assert.Equal("origin-frozen", await ProblemReason.Of(response, HttpStatusCode.Forbidden));
        var (record, _) = await fr.Services.GetRequiredService<WitnessRecords>().LatestAsync(origin, CancellationToken.None);
        Assert.True(record!.Frozen);
        Assert.Equal(genuine.Size, record.Size);
    }
}

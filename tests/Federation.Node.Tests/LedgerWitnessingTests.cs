using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Federation.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary>Three nodes witness each other: every node's checkpoint comes back carrying its two peers' cosignatures.</summary>
public sealed class LedgerWitnessingTests(ThreeNodes nodes) : IClassFixture<ThreeNodes>
{
    [Fact]
    public async Task Each_nodes_checkpoint_carries_its_two_peers_cosignatures()
    {
        // Two rounds: the first from nothing (old size 0), the second with a consistency proof from the first.
        for (var round = 1; round <= 2; round++)
            foreach (var node in nodes.All)
            {
                await LedgerEvents.AppendAsync(node, 3 * round, $"case:{node.NodeId}");
                if (round == 1)
                {
                    var signed = await LedgerEvents.SignAsync(node);
                    var outcomes = await node.Services.GetRequiredService<Witnessing>().CollectAsync(signed, CancellationToken.None);
                    Assert.All(outcomes, o => Assert.True(o.Cosigned, $"{o.Witness}: {o.Detail}"));
                    Assert.Equal(2, outcomes.Count);
                }
                else
                {
                    // The recurring job's own path: sign when due, then collect.
                    nodes.Advance(TimeSpan.FromMilliseconds(1100)); // past the checkpoint cadence, without sleeping
                    await node.Services.GetRequiredService<LedgerCheckpointJob>().RunAsync(CancellationToken.None);
                }
            }

        foreach (var node in nodes.All)
        {
            var peers = nodes.All.Where(n => n != node).ToList();
            using var client = Clients.DevNodeClient(peers[0].NodeId, node);
            var served = await LedgerClient.CheckpointAsync(client);
            var rows = await LedgerRows.ReadAsync(node);
            Assert.Equal((ulong)rows.Leaves.Count, served.Checkpoint.Size);
            Assert.Equal(rows.Recompute().Range.RootHash(), served.Checkpoint.RootHash);

            var logKey = LedgerEvents.PublishedLogKey(node.NodeId);
            var witnessKeys = peers.Select(p => LedgerEvents.PublishedWitnessKey(p.NodeId)).ToList();
            var verification = served.Verify([logKey, .. witnessKeys]);
            Assert.Equal(NoteCheck.Valid, verification.Result);
            Assert.Equal(3, verification.Verified.Count);
            foreach (var w in witnessKeys) Assert.Contains(verification.Verified, s => s.Name == w.Name && s.KeyId == w.KeyId);

            // Each witness stored that very checkpoint as the latest it cosigned for the origin.
            foreach (var peer in peers)
            {
                var (record, _) = await peer.Services.GetRequiredService<WitnessRecords>().LatestAsync(served.Checkpoint.Origin, CancellationToken.None);
                Assert.Equal(served.Checkpoint.Size, record!.Size);
                Assert.False(record.Frozen);
            }
        }
    }
}

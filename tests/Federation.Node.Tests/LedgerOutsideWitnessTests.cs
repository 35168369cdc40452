using System.Text.Json.Nodes;
using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Federation.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Federation.Node.Tests;

/// <summary>
/// Witnesses that are not peers (<c>Node:Ledger:Witnesses</c>): minimal C2SP tlog-witness servers with their own TLS
/// CA, asked by kr-knpa like a peer. One answers honestly, one answers under another key of the same name, one can be
/// made to hang.
/// </summary>
public sealed class LedgerOutsideWitnessTests(LedgerOutsideWitnessTests.KrWithWitnesses fixture) : IClassFixture<LedgerOutsideWitnessTests.KrWithWitnesses>
{
    public sealed class KrWithWitnesses : IAsyncLifetime
    {
        public OutsideWitnessServer Good { get; } = new("witness.test/good", LedgerEvents.PublishedLogKey("kr-knpa"));
        public OutsideWitnessServer Impostor { get; } = new("witness.test/impostor", LedgerEvents.PublishedLogKey("kr-knpa"));
        public OutsideWitnessServer Slow { get; } = new("witness.test/slow", LedgerEvents.PublishedLogKey("kr-knpa"));
        public OutsideWitnessServer OtherCa { get; } = new("witness.test/other-ca", LedgerEvents.PublishedLogKey("kr-knpa"));
        public OutsideWitnessServer Unpinned { get; } = new("witness.test/unpinned", LedgerEvents.PublishedLogKey("kr-knpa"));
        public TestNode Kr { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            // Same name, another key: what a witness whose key was swapped, or a man in the middle, would answer.
            Impostor.AnswerKey = CosignatureV1Signer.Parse(CosignatureV1Signer.GenerateKey(Impostor.Name).SignerKey);
            await Task.WhenAll(All.Select(w => w.StartAsync()));
            // A TLS certificate from another CA than the one pinned for the witness; and one checked against the
            // system's roots, which do not hold the test CA.
            var otherCa = OtherCa.Setting();
            otherCa["CaCertificate"] = Good.CaFile;
            var unpinned = Unpinned.Setting();
            unpinned.Remove("CaCertificate");
            Kr = new TestNode("kr-knpa")
            {
                Customize = c => c["Node"]!["Ledger"] = new JsonObject
                {
                    ["CheckpointSeconds"] = 1,
                    ["Witnesses"] = new JsonArray(Good.Setting(), Impostor.Setting(), Slow.Setting(), otherCa, unpinned),
                },
            };
            await Kr.StartAsync();
        }

        public async Task DisposeAsync()
        {
            await Kr.DisposeAsync();
            foreach (var w in All) await w.DisposeAsync();
        }

        private OutsideWitnessServer[] All => [Good, Impostor, Slow, OtherCa, Unpinned];
    }

    private TestNode Kr => fixture.Kr;
    private Witnessing Witnessing => Kr.Services.GetRequiredService<Witnessing>();

    private async Task<StoredCheckpoint> NextCheckpointAsync(int events = 3)
    {
        await LedgerEvents.AppendAsync(Kr, events, "case:outside");
        return await LedgerEvents.SignAsync(Kr);
    }

    private async Task<List<string>> StoredWitnessesAsync(long checkpointId)
    {
        await using var db = new NpgsqlConnection(Kr.OwnerConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT witness FROM fed.ledger_cosignature WHERE checkpoint_id = $1 ORDER BY witness", db);
        cmd.Parameters.AddWithValue(checkpointId);
        var found = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) found.Add(reader.GetString(0));
        return found;
    }

    [Fact]
    public async Task The_checkpoint_carries_the_outside_witnesss_cosignature_and_fedaudit_counts_it()
    {
        var signed = await NextCheckpointAsync();
        var outcomes = await Witnessing.CollectAsync(signed, CancellationToken.None);
        var good = Assert.Single(outcomes, o => o.Witness == CosignerId.Outside(fixture.Good.Name));
        Assert.True(good.Cosigned, good.Detail);
        Assert.Equal(signed.Size, fixture.Good.Size);

        // Stored under a name no node id can take, and served in the checkpoint note like a peer's cosignature.
        Assert.Contains("witness:witness.test/good", await StoredWitnessesAsync(signed.Id));
        // (kr-knpa has no peer here to read /federation/v1/log/checkpoint with; this is the note it serves there.)
        var served = (await Kr.Services.GetRequiredService<LedgerCheckpoints>().LatestAsync(CancellationToken.None))!.WithCosignatures();
        var verification = served.Verify([LedgerEvents.PublishedLogKey("kr-knpa"), NoteVerifier.Parse(fixture.Good.VerifierKey)]);
        Assert.Equal(NoteCheck.Valid, verification.Result);
        Assert.Contains(verification.Verified, s => s.Name == fixture.Good.Name && s.KeyId == fixture.Good.Key.KeyId);

        // The auditor trusts the outside witness's key (and the impostor's real one, which never cosigned): quorum 1 holds, 2 does not.
        using var audit = new AuditRun("kr-knpa");
        File.WriteAllText(Path.Combine(audit.Trust, "good.vkey"), fixture.Good.VerifierKey);
        File.WriteAllText(Path.Combine(audit.Trust, "impostor.vkey"), fixture.Impostor.VerifierKey);
        var export = audit.Export(Kr);
        Assert.True(export.Exit == 0, export.Err);
        var verify = audit.Verify(quorum: 1);
        Assert.True(verify.Exit == 0, verify.Err);
        Assert.Contains("with 1 trusted cosignatures (quorum 1)", verify.Out, StringComparison.Ordinal);
        var two = audit.Verify(quorum: 2);
        Assert.Equal(1, two.Exit);
        Assert.Contains("FAILED: witness-quorum:", two.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_signed_by_another_key_is_not_stored()
    {
        var signed = await NextCheckpointAsync();
        var outcomes = await Witnessing.CollectAsync(signed, CancellationToken.None);
        var impostor = Assert.Single(outcomes, o => o.Witness == CosignerId.Outside(fixture.Impostor.Name));
        Assert.False(impostor.Cosigned);
        Assert.Contains($"no cosignature line from {fixture.Impostor.Name}+{fixture.Impostor.Key.KeyId}", impostor.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("witness:witness.test/impostor", await StoredWitnessesAsync(signed.Id));
        Assert.Contains(Kr.Logs.Lines, l => l.Contains("witness:witness.test/impostor did not cosign", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_witness_that_hangs_delays_no_other()
    {
        var signed = await NextCheckpointAsync();
        var hang = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Slow.Hang = hang;
        try
        {
            var before = fixture.Slow.Requests;
            var collecting = Witnessing.CollectAsync(signed, CancellationToken.None);
            // The honest witness's cosignature is stored while the slow one still holds its request.
            var stored = false;
            for (var i = 0; i < 100 && !stored; i++)
            {
                stored = (await StoredWitnessesAsync(signed.Id)).Contains("witness:witness.test/good");
                if (!stored) await Task.Delay(100);
            }
            Assert.True(stored, "the good witness's cosignature was not stored while the slow witness hung");
            Assert.True(fixture.Slow.Requests > before, "the slow witness was never asked");
            Assert.False(collecting.IsCompleted);

            hang.SetResult(503);
            var slow = Assert.Single(await collecting, o => o.Witness == CosignerId.Outside(fixture.Slow.Name));
            Assert.False(slow.Cosigned);
            Assert.StartsWith("HTTP 503", slow.Detail, StringComparison.Ordinal);
        }
        finally
        {
            fixture.Slow.Hang = null;
            hang.TrySetResult(503);
        }
    }

    [Fact]
    public async Task A_lost_answer_is_recovered_through_the_409_from_the_size_the_witness_names()
    {
        // The witness cosigns a checkpoint whose answer never reaches the node (sent here directly): it now knows a
        // larger size than the node believes it cosigned.
        var lost = await NextCheckpointAsync();
        var checkpoints = Kr.Services.GetRequiredService<LedgerCheckpoints>();
        var believed = await checkpoints.LastCosignedSizeAsync(CosignerId.Outside(fixture.Good.Name), CancellationToken.None);
        Assert.True(fixture.Good.Size == believed, "the node and the witness must agree before the answer is lost");
        var proof = believed == 0 ? [] : await Kr.Services.GetRequiredService<LedgerLog>().ConsistencyProofAsync(believed, lost.Size, CancellationToken.None);
        using (var direct = fixture.Good.Client())
        using (var response = await direct.PostAsync("add-checkpoint", new ByteArrayContent(AddCheckpointRequest.Create(believed, proof, lost.Signed).ToBytes())))
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        var next = await NextCheckpointAsync();
        var conflicts = fixture.Good.Conflicts;
        var outcomes = await Witnessing.CollectAsync(next, CancellationToken.None);
        var good = Assert.Single(outcomes, o => o.Witness == CosignerId.Outside(fixture.Good.Name));
        Assert.True(good.Cosigned, good.Detail);
        Assert.Equal(conflicts + 1, fixture.Good.Conflicts);
        Assert.Equal(next.Size, fixture.Good.Size);
    }

    [Fact]
    public async Task A_witness_whose_tls_certificate_does_not_chain_to_the_pinned_ca_is_not_asked()
    {
        var signed = await NextCheckpointAsync();
        var outcomes = await Witnessing.CollectAsync(signed, CancellationToken.None);
        foreach (var server in new[] { fixture.OtherCa, fixture.Unpinned })
        {
            var outcome = Assert.Single(outcomes, o => o.Witness == CosignerId.Outside(server.Name));
            Assert.False(outcome.Cosigned);
            Assert.Contains("SSL connection could not be established", outcome.Detail, StringComparison.Ordinal);
            Assert.Equal(0, server.Requests); // refused in the handshake: the checkpoint never reached it
        }
        Assert.Contains(Kr.Logs.Lines, l => l.Contains("witness.test/other-ca: it does not chain to the pinned CA", StringComparison.Ordinal));
        Assert.True(Assert.Single(outcomes, o => o.Witness == CosignerId.Outside(fixture.Good.Name)).Cosigned);
    }
}

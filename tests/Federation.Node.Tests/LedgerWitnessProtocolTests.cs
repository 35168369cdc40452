using System.Net;
using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Federation.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary>fr-ofmin witnessing kr-knpa's log over the real endpoint: each C2SP tlog-witness answer, and atomicity.</summary>
public sealed class LedgerWitnessProtocolTests(LedgerCheckpointTests.KrAndFr nodes) : IClassFixture<LedgerCheckpointTests.KrAndFr>
{
    private TestNode Kr => nodes.Kr;
    private TestNode Fr => nodes.Fr;
    private WitnessRecords FrRecords => Fr.Services.GetRequiredService<WitnessRecords>();
    private const string Origin = "federation.node/kr-knpa/log";

    private async Task<StoredCheckpoint> NextCheckpointAsync(int events = 2)
    {
        await LedgerEvents.AppendAsync(Kr, events);
        return await LedgerEvents.SignAsync(Kr);
    }

    private async Task<ulong> KnownSizeAsync() => (await FrRecords.LatestAsync(Origin, CancellationToken.None)).Record?.Size ?? 0;

    private HttpClient KrClient() => Clients.DevNodeClient("kr-knpa", Fr);

    [Fact]
    public async Task A_wrong_old_size_gets_409_with_the_size_the_witness_knows()
    {
        var checkpoint = await NextCheckpointAsync();
        var known = await KnownSizeAsync();
        var wrong = known == 0 ? 1UL : 0UL;
        using var client = KrClient();
        using var response = await LedgerRequests.PostAsync(client, await LedgerRequests.GenuineAsync(Kr, checkpoint, wrong));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("text/x.tlog.size", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{known}\n", await response.Content.ReadAsStringAsync());
    }

    public static TheoryData<string, HttpStatusCode, string> Refusals => new()
    {
        { "beyond", HttpStatusCode.BadRequest, "old-size-beyond-checkpoint" },
        { "unknown-origin", HttpStatusCode.NotFound, "unknown-origin" },
        { "other-key", HttpStatusCode.Forbidden, "no-trusted-signature" },
        { "garbage", HttpStatusCode.BadRequest, "malformed-request" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Each_refusal_has_its_tlog_witness_status_and_a_reason(string what, HttpStatusCode status, string reason)
    {
        var checkpoint = await NextCheckpointAsync();
        using var client = KrClient();
        HttpContent body = what switch
        {
            "beyond" => new ByteArrayContent(AddCheckpointRequest.Create(checkpoint.Size + 1, [], checkpoint.Signed).ToBytes()),
            "unknown-origin" => new ByteArrayContent(AddCheckpointRequest.Create(0, [], LedgerRequests.Forge("xx-nowhere", 1, LedgerRequests.SomeRoot(1), signedBy: "kr-knpa")).ToBytes()),
            "other-key" => new ByteArrayContent(AddCheckpointRequest.Create(0, [], LedgerRequests.Forge("kr-knpa", 1, LedgerRequests.SomeRoot(2), signedBy: "fr-ofmin")).ToBytes()),
            _ => new StringContent("old 0\nnot base64\n\nnot a note"),
        };
        using var response = await client.PostAsync(WitnessApi.AddCheckpointPath.TrimStart('/'), body);
        Assert.Equal(reason, await ProblemReason.Of(response, status));
    }

    [Fact]
    public async Task A_failing_consistency_proof_is_kept_as_evidence_but_freezes_nothing()
    {
        var older = await NextCheckpointAsync();
        var cosigned = await Kr.Services.GetRequiredService<Witnessing>().CollectAsync(older, CancellationToken.None);
        Assert.True(Assert.Single(cosigned).Cosigned, cosigned[0].Detail);
        var newer = await NextCheckpointAsync(5);
        var genuine = await LedgerRequests.GenuineAsync(Kr, newer, older.Size);
        var proof = genuine.Proof.ToArray();
        proof[0] = LedgerRequests.SomeRoot(0x5A);

        using var client = KrClient();
        using (var response = await LedgerRequests.PostAsync(client, AddCheckpointRequest.Create(older.Size, proof, newer.Signed)))
            Assert.Equal("inconsistent-proof", await ProblemReason.Of(response, HttpStatusCode.UnprocessableEntity));
        var evidence = (await FrRecords.EvidenceAsync(Origin, CancellationToken.None)).Last();
        Assert.False(evidence.Conclusive);
        Assert.Equal(newer.Signed.ToString(), evidence.SubmittedCheckpointNote);

        // Anyone can relay a genuine checkpoint with a bad proof, so this must not switch witnessing off.
        using (var response = await LedgerRequests.PostAsync(client, genuine))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(newer.Size, await KnownSizeAsync());
    }

    [Fact]
    public async Task Concurrent_requests_from_one_size_cosign_exactly_one_and_the_stored_size_never_decreases()
    {
        for (var round = 0; round < 3; round++)
        {
            var known = await KnownSizeAsync();
            var smaller = await NextCheckpointAsync(1);
            var larger = await NextCheckpointAsync(3);
            using var client = KrClient();
            var requests = new[] { await LedgerRequests.GenuineAsync(Kr, smaller, known), await LedgerRequests.GenuineAsync(Kr, larger, known) };
            var responses = await Task.WhenAll(requests.Select(r => LedgerRequests.PostAsync(client, r)));
            var statuses = responses.Select(r => r.StatusCode).ToList();
            Assert.Single(statuses, HttpStatusCode.OK);
            Assert.Single(statuses, HttpStatusCode.Conflict);
            var winner = statuses[0] == HttpStatusCode.OK ? smaller : larger;
            Assert.Equal(winner.Size, await KnownSizeAsync());
            Assert.True(await KnownSizeAsync() > known);
            foreach (var r in responses) r.Dispose();
        }
    }

    [Fact]
    public async Task Storing_a_record_is_a_compare_and_swap_on_the_sequence_read()
    {
        var checkpoint = await NextCheckpointAsync();
        var (latest, seq) = await FrRecords.LatestAsync(Origin, CancellationToken.None);
        var record = new WitnessRecord(Origin, checkpoint.Size, checkpoint.Signed.Checkpoint.RootHash, checkpoint.Signed.ToString());
        var decision = new WitnessDecision(WitnessVerdict.Cosigned, "test") { NewRecord = record };
        var from = Federation.Core.Identity.NodeId.Parse("kr-knpa");
        Assert.True(await FrRecords.TryStoreAsync(decision, seq, from, CancellationToken.None));
        Assert.False(await FrRecords.TryStoreAsync(decision with { NewRecord = latest ?? record }, seq, from, CancellationToken.None));
        Assert.Equal(checkpoint.Size, await KnownSizeAsync());
    }
}

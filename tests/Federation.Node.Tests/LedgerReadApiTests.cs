using System.Net;
using System.Text.Json;
using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Federation.Node.Tests.Support;

namespace Federation.Node.Tests;

/// <summary>What a peer (federation port) and an auditor (agency port) can read of a node's log, and check.</summary>
public sealed class LedgerReadApiTests(LedgerCheckpointTests.KrAndFr nodes) : IClassFixture<LedgerCheckpointTests.KrAndFr>
{
    private TestNode Kr => nodes.Kr;

    [Fact]
    public async Task Inclusion_proofs_served_to_a_peer_verify_against_the_served_checkpoint()
    {
        await LedgerEvents.AppendAsync(Kr, 13, "case:inclusion");
        await LedgerEvents.SignAsync(Kr);
        using var fr = Clients.DevNodeClient("fr-ofmin", Kr);

        var checkpoint = await LedgerClient.CheckpointAsync(fr);
        Assert.Equal(NoteCheck.Valid, checkpoint.Verify([LedgerEvents.PublishedLogKey("kr-knpa")]).Result);
        var (size, root) = (checkpoint.Checkpoint.Size, checkpoint.Checkpoint.RootHash);
        var page = await LedgerClient.PeerEntriesAsync(fr, 0, size);
        Assert.Equal(size, (ulong)page.Entries.Count);
        foreach (var entry in page.Entries)
        {
            var proof = await LedgerClient.InclusionAsync(fr, entry.Index, size);
            Assert.Equal(ProofCheck.Valid, MerkleProofs.VerifyInclusion(entry.Index, size, MerkleHash.ParseBase64(entry.LeafHash), proof, root));
        }

        // One flipped bit in one proof hash, or a leaf that is not the served one, and it no longer verifies.
        var last = page.Entries[^1];
        var good = await LedgerClient.InclusionAsync(fr, last.Index, size);
        var bytes = good[0].ToArray();
        bytes[5] ^= 0x10;
        var bad = good.ToArray();
        bad[0] = MerkleHash.FromBytes(bytes);
        Assert.Equal(ProofCheck.RootMismatch, MerkleProofs.VerifyInclusion(last.Index, size, MerkleHash.ParseBase64(last.LeafHash), bad, root));
        Assert.Equal(ProofCheck.RootMismatch, MerkleProofs.VerifyInclusion(last.Index, size, MerkleHash.ParseBase64(page.Entries[0].LeafHash), good, root));
    }

    [Fact]
    public async Task Consistency_proofs_link_two_served_checkpoints()
    {
        await LedgerEvents.AppendAsync(Kr, 3, "case:consistency");
        await LedgerEvents.SignAsync(Kr);
        using var fr = Clients.DevNodeClient("fr-ofmin", Kr);
        var older = (await LedgerClient.CheckpointAsync(fr)).Checkpoint;
        await LedgerEvents.AppendAsync(Kr, 7, "case:consistency");
        await LedgerEvents.SignAsync(Kr);
        var newer = (await LedgerClient.CheckpointAsync(fr)).Checkpoint;
        Assert.True(newer.Size > older.Size);

        var proof = await LedgerClient.ConsistencyAsync(fr, older.Size, newer.Size);
        Assert.Equal(ProofCheck.Valid, MerkleProofs.VerifyConsistency(older.Size, newer.Size, older.RootHash, newer.RootHash, proof));
        Assert.Equal(ProofCheck.RootMismatch, MerkleProofs.VerifyConsistency(older.Size, newer.Size, newer.RootHash, newer.RootHash, proof));
    }

    [Theory]
    [InlineData("proof/inclusion?index=5&size=5", "index-not-in-tree")]
    [InlineData("proof/inclusion?index=0&size=99999999", "size-beyond-log")]
    [InlineData("proof/inclusion?index=-1&size=5", "invalid-parameter")]
    [InlineData("proof/inclusion?index=0x1&size=5", "invalid-parameter")]
    [InlineData("proof/inclusion?size=5", "invalid-parameter")]
    [InlineData("proof/inclusion?index=0&size=18446744073709551615", "invalid-parameter")]
    [InlineData("proof/consistency?from=6&to=5", "from-beyond-to")]
    [InlineData("proof/consistency?from=1&to=99999999", "size-beyond-log")]
    [InlineData("proof/consistency?from=1&to=%205", "invalid-parameter")]
    [InlineData("entries?start=3&end=3", "empty-range")]
    [InlineData("entries?start=a&end=3", "invalid-parameter")]
    public async Task Bad_parameters_are_refused_with_a_problem_naming_the_reason(string query, string reason)
    {
        await LedgerEvents.AppendAsync(Kr, 5, "case:parameters");
        using var fr = Clients.DevNodeClient("fr-ofmin", Kr);
        using var response = await fr.GetAsync($"federation/v1/log/{query}");
        Assert.Equal(reason, await ProblemReason.Of(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_page_of_entries_is_bounded()
    {
        await LedgerEvents.AppendAsync(Kr, LedgerApi.MaxPage + 5, "case:page");
        using var fr = Clients.DevNodeClient("fr-ofmin", Kr);
        var page = await LedgerClient.PeerEntriesAsync(fr, 1, 1_000_000);
        Assert.Equal(LedgerApi.MaxPage, page.Entries.Count);
        Assert.Equal(1UL, page.Entries[0].Index);
        Assert.Equal(1UL + LedgerApi.MaxPage, page.End);
        var tail = await LedgerClient.PeerEntriesAsync(fr, page.TreeSize - 2, page.TreeSize + 10);
        Assert.Equal(2, tail.Entries.Count);
    }

    [Fact]
    public async Task A_peer_reading_entries_sees_only_indexes_and_leaf_hashes_while_an_auditor_sees_what_they_commit_to()
    {
        await LedgerEvents.AppendAsync(Kr, 2, "request:peer-view");
        using var auditor = Clients.DevPerson("kr-knpa", "auditor", Kr);
        auditor.DefaultRequestHeaders.Add("X-Justification", "checking what peers are shown");
        using (var consulted = await auditor.GetAsync("api/v1/log/entries?start=0&end=1"))
            Assert.Equal(HttpStatusCode.OK, consulted.StatusCode); // leaves an access:<person> record in the log
        var size = (ulong)(await LedgerRows.ReadAsync(Kr)).Leaves.Count;
        var start = size > 100 ? size - 100 : 0;

        using var fr = Clients.DevNodeClient("fr-ofmin", Kr);
        var raw = await fr.GetStringAsync($"federation/v1/log/entries?start={start}&end={size}");
        using (var doc = JsonDocument.Parse(raw))
        {
            var entries = doc.RootElement.GetProperty("entries");
            Assert.Equal((int)(size - start), entries.GetArrayLength());
            Assert.All(entries.EnumerateArray(), e => Assert.Equal(["index", "leafHash"], e.EnumerateObject().Select(p => p.Name).ToArray()));
        }
        foreach (var secret in new[] { "access:", "request:", "access_recorded", "urn:federation:person" })
            Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);

        var full = await auditor.GetStringAsync($"api/v1/log/entries?start={start}&end={size}");
        foreach (var shown in new[] { "access:urn:federation:person:kr-knpa:auditor", "request:peer-view", "access_recorded", "\"timestamp\"" })
            Assert.Contains(shown, full, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_that_never_signed_answers_no_checkpoint()
    {
        using var kr = Clients.DevNodeClient("kr-knpa", nodes.Fr);
        using var response = await kr.GetAsync("federation/v1/log/checkpoint");
        Assert.Equal("no-checkpoint", await ProblemReason.Of(response, HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task An_auditor_reads_entries_with_their_data_on_the_agency_port_and_an_officer_may_not()
    {
        await LedgerEvents.AppendAsync(Kr, 2, "case:auditor");
        await LedgerEvents.SignAsync(Kr);
        using var auditor = Clients.DevPerson("kr-knpa", "auditor", Kr);
        auditor.DefaultRequestHeaders.Add("X-Justification", "annual audit of the exchange log");
        var checkpoint = await LedgerClient.CheckpointAsync(auditor, "api/v1/log");
        var size = checkpoint.Checkpoint.Size;
        var page = await LedgerClient.EntriesAsync(auditor, size - 3, size, "api/v1/log");
        var entry = page.Entries.Last(e => e.StreamKey == "case:auditor");
        Assert.Equal("case:auditor", entry.Data!.Value.GetProperty("CaseId").GetString());
        // The data digest is recomputable from the served data.
        Assert.Equal(entry.DataSha256, Convert.ToBase64String(LedgerEntry.DataDigest(entry.Data.Value.GetRawText())));
        var proof = await LedgerClient.InclusionAsync(auditor, entry.Index, checkpoint.Checkpoint.Size, "api/v1/log");
        Assert.Equal(ProofCheck.Valid, MerkleProofs.VerifyInclusion(entry.Index, checkpoint.Checkpoint.Size, LedgerClient.LeafHash(entry), proof, checkpoint.Checkpoint.RootHash));

        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        using var refused = await officer.GetAsync("api/v1/log/checkpoint");
        Assert.Equal("role-required", await ProblemReason.Of(refused, HttpStatusCode.Forbidden));
        using var wrongPort = await auditor.GetAsync("federation/v1/log/checkpoint");
        Assert.Equal("not-on-this-port", await ProblemReason.Of(wrongPort, HttpStatusCode.NotFound));
    }
}

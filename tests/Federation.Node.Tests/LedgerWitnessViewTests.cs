using System.Net;
using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Federation.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary>
/// A witness's own view of a log: <c>GET /federation/v1/witness/{origin}/latest</c> between real nodes over mTLS, and
/// <c>fedctl audit witnesses</c> collecting every peer's view of kr's log through kr. Only kr's log is witnessed in
/// this class (fr's and nl's never are, so their origins have no record or are frozen by the test that says so).
/// </summary>
public sealed class LedgerWitnessViewTests(ThreeNodes nodes) : IClassFixture<ThreeNodes>
{
    private const string KrOrigin = "federation.node/kr-knpa/log";

    private async Task<StoredCheckpoint> KrWitnessedAsync()
    {
        await LedgerEvents.AppendAsync(nodes.Kr, 3, "case:view");
        var fresh = await nodes.Kr.Services.GetRequiredService<FreshCheckpoint>().SignAndWitnessAsync(CancellationToken.None);
        Assert.All(fresh.Witnesses, w => Assert.True(w.Cosigned, w.Detail));
        return fresh.Checkpoint;
    }

    [Fact]
    public async Task A_witness_serves_the_latest_checkpoint_it_cosigned_with_its_cosignature_made_now()
    {
        var cosigned = await KrWitnessedAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var kr = Clients.DevNodeClient("kr-knpa", nodes.Fr);
        using var response = await kr.GetAsync(WitnessApi.LatestPathOf(KrOrigin).TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("%2F", response.RequestMessage!.RequestUri!.AbsoluteUri, StringComparison.Ordinal);

        var view = SignedCheckpoint.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(cosigned.Signed.Checkpoint.Text, view.Checkpoint.Text);
        var fr = LedgerEvents.PublishedWitnessKey("fr-ofmin");
        var verification = view.Verify([LedgerEvents.PublishedLogKey("kr-knpa"), fr]);
        Assert.Equal(NoteCheck.Valid, verification.Result);
        // The log's signature and fr's line only: nl's cosignature, which kr did not submit anyway, is never relayed.
        Assert.Equal(2, view.Signatures.Length);
        var line = Assert.Single(verification.Verified, s => s.Name == fr.Name);
        Assert.True(CosignatureV1Verifier.TryReadTimestamp(line, out var seconds));
        Assert.True((long)seconds >= before);
    }

    [Fact]
    public async Task An_origin_the_witness_does_not_follow_or_has_no_record_of_is_not_witnessed()
    {
        using var kr = Clients.DevNodeClient("kr-knpa", nodes.Fr);
        foreach (var origin in new[] { "federation.node/xx-nowhere/log", "federation.node/nl-police/log", "kr-knpa" })
        {
            using var response = await kr.GetAsync(WitnessApi.LatestPathOf(origin).TrimStart('/'));
            Assert.Equal(WitnessApi.OriginNotWitnessed, await ProblemReason.Of(response, HttpStatusCode.NotFound));
        }
    }

    [Fact]
    public async Task A_frozen_log_gets_a_problem_never_a_cosignature()
    {
        // kr caught fr's log signing two trees of one size: the record kr keeps for fr is frozen.
        var records = nodes.Kr.Services.GetRequiredService<WitnessRecords>();
        using var frLog = Ed25519NoteSigner.Parse(File.ReadAllText(Repo.CertsDev("fr-ofmin", "log.key")).Trim());
        var note = SignedCheckpoint.Sign(Checkpoint.Create("federation.node/fr-ofmin/log", 1, MerkleHash.FromBytes(new byte[32]), ["time 1"]), frLog).ToString();
        var frozen = new WitnessRecord("federation.node/fr-ofmin/log", 1, MerkleHash.FromBytes(new byte[32]), note, Frozen: true);
        Assert.True(await records.TryStoreAsync(new WitnessDecision(WitnessVerdict.SameSizeDifferentRoot, "test") { NewRecord = frozen }, 0,
            NodeId.Parse("fr-ofmin"), CancellationToken.None));

        using var nl = Clients.DevNodeClient("nl-police", nodes.Kr);
        using var response = await nl.GetAsync(WitnessApi.LatestPathOf("federation.node/fr-ofmin/log").TrimStart('/'));
        Assert.Equal(WitnessApi.LogFrozen, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
        Assert.DoesNotContain("\u2014 ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_peers_may_ask_on_the_federation_port()
    {
        using var auditor = Clients.With(Federation.Core.Pki.PemFiles.LoadWithKey(Repo.CertsDev("kr-knpa", "auditor.crt"), Repo.CertsDev("kr-knpa", "auditor.key")),
            Repo.CertsDev("fr-ofmin", "ca.crt"), nodes.Fr.FederationUrl);
        try
        {
            using var response = await auditor.GetAsync(WitnessApi.LatestPathOf(KrOrigin).TrimStart('/'));
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        }
        catch (HttpRequestException)
        {
            // refused in the TLS handshake: a person's certificate is no node's
        }
    }

    [Fact]
    public async Task Fedctl_collects_each_peers_view_of_the_log_as_served()
    {
        var cosigned = await KrWitnessedAsync();
        using var audit = new AuditRun("kr-knpa");
        var run = audit.Witnesses(nodes.Kr);
        Assert.True(run.Exit == 0, run.Err);
        Assert.Contains("2 of 2 peers' views", run.Out, StringComparison.Ordinal);
        Assert.Empty(File.ReadAllLines(Path.Combine(audit.Witnessed, "unanswered.txt")));
        foreach (var peer in new[] { "fr-ofmin", "nl-police" })
        {
            var view = SignedCheckpoint.Parse(File.ReadAllText(Path.Combine(audit.Witnessed, $"{peer}.checkpoint")));
            Assert.Equal(cosigned.Signed.Checkpoint.Text, view.Checkpoint.Text);
            Assert.Equal(NoteCheck.Valid, view.Verify([LedgerEvents.PublishedLogKey("kr-knpa"), LedgerEvents.PublishedWitnessKey(peer)]).Result);
        }
    }

    [Fact]
    public async Task An_officer_may_not_collect_the_views()
    {
        using var officer = Clients.DevPerson("kr-knpa", "officer", nodes.Kr);
        officer.DefaultRequestHeaders.Add("X-Justification", "curiosity");
        using var response = await officer.GetAsync("api/v1/log/witnessed");
        Assert.Equal("role-required", await ProblemReason.Of(response, HttpStatusCode.Forbidden));
    }
}

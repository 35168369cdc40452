using System.Net;
using System.Net.Http.Json;
using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Federation.Node.Security;
using Federation.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary><c>POST /api/v1/log/checkpoint/fresh</c>: an auditor has the node sign a checkpoint now and every peer cosign
/// it now, over real TLS between three nodes; and who may not ask.</summary>
public sealed class LedgerFreshCheckpointTests(ThreeNodes nodes) : IClassFixture<ThreeNodes>
{
    private TestNode Kr => nodes.Kr;

    private const string Path = "api/v1/log/checkpoint/fresh";

    [Fact]
    public async Task An_auditor_gets_a_checkpoint_signed_now_and_cosigned_now_by_every_peer()
    {
        await LedgerEvents.AppendAsync(Kr, 4, "case:fresh");
        var before = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        using var auditor = Auditor();
        using var response = await auditor.PostAsync(Path, Clients.EmptyJson());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fresh = (await response.Content.ReadFromJsonAsync<LedgerApi.FreshCheckpointView>())!;

        Assert.Equal(["fr-ofmin", "nl-police"], fresh.Witnesses.Select(w => w.Witness));
        Assert.All(fresh.Witnesses, w => Assert.True(w.Cosigned, w.Detail));
        var note = SignedCheckpoint.Parse(fresh.Note);
        Assert.Equal(fresh.Size, note.Checkpoint.Size);
        var witnessKeys = new[] { LedgerEvents.PublishedWitnessKey("fr-ofmin"), LedgerEvents.PublishedWitnessKey("nl-police") };
        var verification = note.Verify([LedgerEvents.PublishedLogKey("kr-knpa"), .. witnessKeys]);
        Assert.Equal(NoteCheck.Valid, verification.Result);
        foreach (var key in witnessKeys)
        {
            var line = Assert.Single(verification.Verified, s => s.Name == key.Name && s.KeyId == key.KeyId);
            Assert.True(CosignatureV1Verifier.TryReadTimestamp(line, out var seconds));
            Assert.True(DateTimeOffset.FromUnixTimeSeconds((long)seconds) >= before);
        }
        // It is the node's latest checkpoint, as the export then lists it.
        Assert.Equal(fresh.Id, (await Kr.Services.GetRequiredService<LedgerCheckpoints>().LatestAsync(CancellationToken.None))!.Id);
    }

    [Fact]
    public async Task A_second_fresh_checkpoint_of_the_same_size_is_a_new_note_cosigned_again()
    {
        var fresh = Kr.Services.GetRequiredService<FreshCheckpoint>();
        var first = await fresh.SignAndWitnessAsync(CancellationToken.None);
        nodes.Advance(TimeSpan.FromMilliseconds(1100)); // a new time line: the checkpoint's time is in whole seconds
        var second = await fresh.SignAndWitnessAsync(CancellationToken.None);

        Assert.Equal(first.Checkpoint.Size, second.Checkpoint.Size);
        Assert.NotEqual(first.Checkpoint.Signed.ToString(), second.Checkpoint.Signed.ToString());
        Assert.All(second.Witnesses, w => Assert.True(w.Cosigned, w.Detail));
        Assert.Equal(2, second.Checkpoint.Cosignatures.Count);
        // Each witness keeps the new note as the latest it cosigned for kr's log.
        foreach (var peer in new[] { nodes.Fr, nodes.Nl })
        {
            var (record, _) = await peer.Services.GetRequiredService<WitnessRecords>().LatestAsync(second.Checkpoint.Signed.Checkpoint.Origin, CancellationToken.None);
            Assert.Equal(second.Checkpoint.Signed.ToString(), record!.CheckpointNote);
        }
    }

    [Fact]
    public async Task An_officer_may_not_ask_for_a_fresh_checkpoint()
    {
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        officer.DefaultRequestHeaders.Add("X-Justification", "curiosity");
        using var response = await officer.PostAsync(Path, Clients.EmptyJson());
        Assert.Equal("role-required", await ProblemReason.Of(response, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task Without_a_justification_nothing_is_signed()
    {
        var latest = await LatestIdAsync();
        using var auditor = Clients.DevPerson("kr-knpa", "auditor", Kr);
        using var response = await auditor.PostAsync(Path, Clients.EmptyJson());
        Assert.Equal("justification-required", await ProblemReason.Of(response, HttpStatusCode.BadRequest));
        Assert.Equal(latest, await LatestIdAsync());
    }

    [Fact]
    public async Task A_request_from_another_site_or_without_a_json_body_is_refused_and_nothing_is_signed()
    {
        var latest = await LatestIdAsync();
        using var auditor = Auditor();
        using (var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = Clients.EmptyJson() })
        {
            request.Headers.Add("Sec-Fetch-Site", "cross-site");
            using var response = await auditor.SendAsync(request);
            Assert.Equal(CrossSiteGuard.CrossSiteRequest, await ProblemReason.Of(response, HttpStatusCode.Forbidden));
        }
        using (var response = await auditor.PostAsync(Path, new StringContent("{}", System.Text.Encoding.UTF8, "text/plain")))
            Assert.Equal(CrossSiteGuard.ContentTypeUnsupported, await ProblemReason.Of(response, HttpStatusCode.UnsupportedMediaType));
        Assert.Equal(latest, await LatestIdAsync());
    }

    [Fact]
    public async Task A_peer_cannot_ask_on_the_federation_port()
    {
        using var peer = Clients.DevNodeClient("fr-ofmin", Kr);
        using var response = await peer.PostAsync(Path, Clients.EmptyJson());
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private HttpClient Auditor()
    {
        var auditor = Clients.DevPerson("kr-knpa", "auditor", Kr);
        auditor.DefaultRequestHeaders.Add("X-Justification", "inspection: is the log as large as its witnesses saw");
        return auditor;
    }

    private async Task<long?> LatestIdAsync() => (await Kr.Services.GetRequiredService<LedgerCheckpoints>().LatestAsync(CancellationToken.None))?.Id;
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Federation.Core.Envelopes;
using Federation.Core.Pki;
using Federation.Node.Feedback;
using Federation.Node.Hosting;
using Federation.Node.Messaging;
using Federation.Node.Storage;
using Federation.Node.Sync;
using Federation.Node.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Federation.Node.Tests;

/// <summary>fr-ofmin's officer sends feedback on kr-knpa's entry; it reaches kr-knpa signed, and forgeries are refused with their reason.</summary>
public sealed class FeedbackTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    private static string Sha256(int seed) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(seed)));

    private async Task PublishToFrAsync(string list, params int[] seeds)
    {
        await ListSteps.CreateAsync(nodes.Kr, list, "all-peers");
        await ListSteps.PublishAsync(nodes.Kr, list, ListSteps.Csv([.. seeds.Select(s => $"sha256,{Sha256(s)},csam")]));
        await ListSteps.PullAsync(nodes.Fr, nodes.Kr);
        await MatchSteps.WaitForIndexAsync(nodes.Fr, "kr-knpa", list, 1);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient officer, string list, string value, string verdict, string? note = null) =>
        officer.PostAsJsonAsync("api/v1/feedback", new { origin = "kr-knpa", listId = list, signal = "sha256", value, verdict, note });

    [Fact]
    public async Task Feedback_from_fr_appears_on_krs_list_and_in_krs_match_hits()
    {
        await PublishToFrAsync("fb-shown", 1, 2);
        using var frOfficer = MatchSteps.Person(nodes.Fr, "officer");
        var hit = (await MatchSteps.AnswerAsync(await MatchSteps.HashesAsync(frOfficer, ("sha256", Sha256(1))))).Inputs[0].Hits[0];

        using var sent = await SendAsync(frOfficer, hit.ListId, hit.Value, FeedbackVerdicts.FalsePositive, "a holiday photo");
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        Assert.Equal("ok", (await ListSteps.PullAsync(nodes.Kr, nodes.Fr)).Status);

        using var krOfficer = MatchSteps.Person(nodes.Kr, "officer");
        var onList = await krOfficer.GetFromJsonAsync<List<FeedbackApi.EntryFeedback>>("api/v1/lists/kr-knpa/fb-shown/feedback", JsonSerializerOptions.Web);
        var entry = Assert.Single(onList!);
        Assert.Equal(("sha256", Sha256(1)), (entry.Signal, entry.Value));
        var verdict = Assert.Single(entry.Verdicts);
        Assert.Equal(("fr-ofmin", "false-positive", "a holiday photo"), (verdict.Agency, verdict.Verdict, verdict.Note));
        Assert.Equal(1, entry.Counts["false-positive"]);

        var krHit = (await MatchSteps.AnswerAsync(await MatchSteps.HashesAsync(krOfficer, ("sha256", Sha256(1))))).Inputs[0].Hits[0];
        Assert.Equal("fr-ofmin:false-positive", $"{krHit.Feedback[0].Agency}:{krHit.Feedback[0].Verdict}");
        var frHit = (await MatchSteps.AnswerAsync(await MatchSteps.HashesAsync(frOfficer, ("sha256", Sha256(1))))).Inputs[0].Hits[0];
        Assert.Equal("fr-ofmin:false-positive", $"{frHit.Feedback[0].Agency}:{frHit.Feedback[0].Verdict}"); // the sender sees its own verdict too
    }

    [Theory]
    [InlineData("operator", HttpStatusCode.Forbidden, "role-required")]
    [InlineData("supervisor", HttpStatusCode.Forbidden, "role-required")]
    public async Task Only_an_officer_sends_feedback(string role, HttpStatusCode status, string reason)
    {
        await PublishToFrAsync($"fb-role-{role}", 3);
        using var person = MatchSteps.Person(nodes.Fr, role);
        using var response = await SendAsync(person, $"fb-role-{role}", Sha256(3), FeedbackVerdicts.Confirmed);
        Assert.Equal(reason, await ProblemReason.Of(response, status));
    }

    [Fact]
    public async Task Feedback_on_an_entry_this_node_does_not_hold_or_with_an_unknown_verdict_is_refused()
    {
        await PublishToFrAsync("fb-local", 4);
        using var officer = MatchSteps.Person(nodes.Fr, "officer");
        using var unknown = await SendAsync(officer, "fb-local", Sha256(999), FeedbackVerdicts.Confirmed);
        Assert.Equal("entry-not-found", await ProblemReason.Of(unknown, HttpStatusCode.NotFound));
        using var badVerdict = await SendAsync(officer, "fb-local", Sha256(4), "probably");
        Assert.Equal("feedback-invalid", await ProblemReason.Of(badVerdict, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Feedback_for_an_entry_kr_never_published_is_refused_by_kr_with_its_reason()
    {
        await PublishToFrAsync("fb-never", 5);
        // fr-ofmin's own software bypassing its checks: a genuinely signed message about a hash kr-knpa never listed.
        await WriteToFrsFeedAsync(nodes.Fr.Services.GetRequiredService<NodeSettingsMonitor>().Current.SigningCertificate,
            new FeedbackBody("kr-knpa", "fb-never", "sha256", Sha256(777), FeedbackVerdicts.Confirmed, null));

        var outcome = await ListSteps.PullAsync(nodes.Kr, nodes.Fr);

        Assert.Equal(1, outcome.Quarantined);
        Assert.Equal("entry-not-published", (await LastQuarantineAsync()).Reason);
        Assert.Equal(0, await ListSteps.ScalarAsync(nodes.Kr, "SELECT count(*) FROM fed.entry_feedback WHERE list_id = 'fb-never'"));
    }

    [Theory]
    [InlineData("nl-police", "fr-ofmin", "chain-untrusted")]   // served by fr-ofmin, naming it, signed with nl-police's node key
    [InlineData("fr-ofmin", "nl-police", "signer-not-origin")] // signed by fr-ofmin, claiming to come from nl-police
    public async Task Feedback_signed_by_a_node_that_is_not_the_sender_is_refused_by_kr_with_its_reason(string signer, string from, string reason)
    {
        var list = $"fb-forged-{signer}";
        await PublishToFrAsync(list, 6);
        using var key = PemFiles.LoadWithKey(Repo.CertsDev(signer, "node-signing.crt"), Repo.CertsDev(signer, "node-signing.key"));
        await WriteToFrsFeedAsync(key, new FeedbackBody("kr-knpa", list, "sha256", Sha256(6), FeedbackVerdicts.FalsePositive, null), from);

        var outcome = await ListSteps.PullAsync(nodes.Kr, nodes.Fr);

        Assert.Equal(1, outcome.Quarantined);
        var refusal = await LastQuarantineAsync();
        Assert.Equal(("feedback", reason), (refusal.Kind, refusal.Reason));
        Assert.Equal(0, await ListSteps.ScalarAsync(nodes.Kr, "SELECT count(*) FROM fed.entry_feedback WHERE list_id = $1", list));
    }

    private async Task WriteToFrsFeedAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 signer, FeedbackBody body, string from = "fr-ofmin")
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var doc = new MessageDocument(MessageDocument.CurrentVersion, FeedbackHandler.Kind.Name, Guid.NewGuid().ToString("N"), from, ["kr-knpa"],
            now, now.AddDays(1), FeedbackBody.Type, body.ToJson());
        var envelope = new EnvelopeSigner(signer, TimeProvider.System).SignAttached(FeedbackHandler.Kind.ContentType, doc.ToUtf8());
        var sha = ContentDigest.Of(envelope).Hex;
        await using var conn = new NpgsqlConnection(nodes.Fr.OwnerConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await Blobs.PutAsync(conn, tx, "fed", sha, MessageHandler.MediaType, envelope, CancellationToken.None);
        await FeedWriter.AppendAsync(conn, tx, "fed", new FeedItem(doc.Kind, doc.Id, "fr-ofmin", doc.To, sha, null, envelope.Length), CancellationToken.None);
        await tx.CommitAsync();
    }

    private async Task<ItemQuarantined> LastQuarantineAsync()
    {
        await using var session = nodes.Kr.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync("sync:fr-ofmin");
        return events.Select(e => e.Data).OfType<ItemQuarantined>().Last();
    }
}

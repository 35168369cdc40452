using System.Net;
using System.Text.Json;
using Federation.Node.Audit;
using Federation.Node.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary>Consulting the log on the agency port needs a justification, and leaves an access record in the log itself.</summary>
public sealed class LedgerAccessLogTests(LedgerCheckpointTests.KrAndFr nodes) : IClassFixture<LedgerCheckpointTests.KrAndFr>
{
    private TestNode Kr => nodes.Kr;
    private const string AuditorUri = "urn:federation:person:kr-knpa:auditor";

    private async Task<IReadOnlyList<AccessRecorded>> AccessRecordsAsync()
    {
        await using var session = Kr.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(AccessLog.StreamPrefix + AuditorUri);
        return [.. events.Select(e => (AccessRecorded)e.Data)];
    }

    [Theory]
    [InlineData(null, "justification-required")]
    [InlineData("   ", "justification-required")]
    [InlineData("%E0%A4%A", "justification-invalid")]
    [InlineData("%FF%FE", "justification-invalid")]
    [InlineData("line%0Abreak", "justification-invalid")]
    public async Task A_consultation_without_a_valid_justification_is_refused_and_nothing_is_recorded(string? header, string reason)
    {
        var before = (await AccessRecordsAsync()).Count;
        using var auditor = Clients.DevPerson("kr-knpa", "auditor", Kr);
        if (header is not null) auditor.DefaultRequestHeaders.TryAddWithoutValidation(Justification.Header, header);
        using var response = await auditor.GetAsync("api/v1/log/entries?start=0&end=10");
        Assert.Equal(reason, await ProblemReason.Of(response, HttpStatusCode.BadRequest));
        Assert.Equal(before, (await AccessRecordsAsync()).Count);
    }

    [Fact]
    public async Task A_justification_over_the_limit_is_refused()
    {
        using var auditor = Clients.DevPerson("kr-knpa", "auditor", Kr);
        auditor.DefaultRequestHeaders.Add(Justification.Header, new string('x', Justification.MaxLength + 1));
        using var response = await auditor.GetAsync("api/v1/log/checkpoint");
        Assert.Equal("justification-invalid", await ProblemReason.Of(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_justified_consultation_is_recorded_with_who_when_what_and_why_and_is_a_leaf_of_the_log()
    {
        const string why = "vérification du dossier 2026-113 (무결성 점검)";
        using var auditor = Clients.DevPerson("kr-knpa", "auditor", Kr);
        auditor.DefaultRequestHeaders.Add(Justification.Header, Uri.EscapeDataString(why));
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var response = await auditor.GetAsync("api/v1/log/entries?start=0&end=3");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var record = (await AccessRecordsAsync()).Last();
        Assert.Equal(AuditorUri, record.Person);
        Assert.Equal(["auditor"], record.Roles);
        Assert.Contains("kr-knpa auditor", record.CertificateSubject, StringComparison.Ordinal);
        Assert.Equal(64, record.CertificateSha256.Length);
        Assert.Equal("GET", record.Method);
        Assert.Equal("/api/v1/log/entries?start=0&end=3", record.Resource);
        Assert.Equal(why, record.Justification);
        Assert.InRange(record.At, started, DateTimeOffset.UtcNow.AddSeconds(1));

        // The record is itself in the log, and an auditor reading the log sees it with its data.
        var rows = await LedgerRows.ReadAsync(Kr);
        var leaf = rows.Leaves.Last(l => l.StreamKey == AccessLog.StreamPrefix + AuditorUri);
        Assert.Equal("access_recorded", leaf.Entry.EventType);
        var page = await LedgerClient.EntriesAsync(auditor, leaf.Entry.Index, leaf.Entry.Index + 1, "api/v1/log");
        var served = Assert.Single(page.Entries);
        Assert.Equal(why, served.Data!.Value.GetProperty("Justification").GetString());
    }

    [Fact]
    public async Task Peers_reading_the_log_on_the_federation_port_need_no_justification()
    {
        using var fr = Clients.DevNodeClient("fr-ofmin", Kr);
        using var response = await fr.GetAsync("federation/v1/log/entries?start=0&end=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(doc.RootElement.GetProperty("treeSize").GetUInt64() >= 0);
    }
}

using System.IO.Compression;
using System.Net;
using Federation.Node.Tests.Support;

namespace Federation.Node.Tests;

/// <summary>The console's audit screen exports the signed history as a zip that <c>fedaudit verify</c> accepts, and
/// only for an auditor who stated why (the export is itself a consultation).</summary>
public sealed class ConsoleAuditBundleTests : IAsyncLifetime
{
    private readonly TestNode _kr = new("kr-knpa") { Customize = LedgerEvents.FastCheckpoints };

    public async Task InitializeAsync()
    {
        _kr.Peers.Add(new TestNode("fr-ofmin"));
        await _kr.StartAsync();
        await ListSteps.CreateAsync(_kr, "bundled", "fr-ofmin");
        await ListSteps.PublishAsync(_kr, "bundled", ListSteps.Csv(ListSteps.Md5Row(1)));
        _signed = await LedgerEvents.SignAsync(_kr);
    }

    private Federation.Node.Ledger.StoredCheckpoint? _signed;

    public async Task DisposeAsync() => await _kr.DisposeAsync();

    [Fact]
    public async Task An_auditor_exports_the_signed_history_from_the_console_and_it_verifies_offline()
    {
        using var auditor = Clients.DevPerson("kr-knpa", "auditor", _kr);
        var token = await TokenAsync(auditor);
        using var response = await auditor.PostAsync("console/audit?handler=Bundle", Form(token, "inspection of the exchange log"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);

        using var audit = new AuditRun("kr-knpa");
        await using (var zip = await response.Content.ReadAsStreamAsync())
            ZipFile.ExtractToDirectory(zip, audit.Bundle, overwriteFiles: true);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(audit.Bundle, "blobs"))); // the release's envelope and content
        var verify = audit.Verify();
        Assert.True(verify.Exit == 0, verify.Err);
        // Anchored on a checkpoint signed for the export (it covers the export's own consultation), not the last one signed.
        using (var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(audit.Bundle, "bundle.json"))))
            Assert.True(manifest.RootElement.GetProperty("treeSize").GetUInt64() > _signed!.Size, manifest.RootElement.ToString());

        // The export is a consultation like any other: it is in the access log with its justification.
        Assert.Equal(1, await ListSteps.ScalarAsync(_kr,
            "SELECT count(*) FROM fed.mt_events WHERE type = 'access_recorded' AND data->>'Justification' = 'inspection of the exchange log'"));
    }

    [Fact]
    public async Task Without_a_justification_there_is_no_bundle()
    {
        using var auditor = Clients.DevPerson("kr-knpa", "auditor", _kr);
        var token = await TokenAsync(auditor);
        using var response = await auditor.PostAsync("console/audit?handler=Bundle", Form(token, ""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEqual("application/zip", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_officer_cannot_export_the_bundle()
    {
        using var officer = Clients.DevPerson("kr-knpa", "officer", _kr);
        var token = await TokenAsync(officer, "console/lists"); // a valid token of her own: only the role is missing
        using var response = await officer.PostAsync("console/audit?handler=Bundle", Form(token, "curiosity"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotEqual("application/zip", response.Content.Headers.ContentType?.MediaType);
    }

    private static FormUrlEncodedContent Form(string token, string justification) =>
        new(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["Justification"] = justification });

    private static Task<string> TokenAsync(HttpClient client, string page = "console/audit") => ConsoleForms.TokenAsync(client, page);
}

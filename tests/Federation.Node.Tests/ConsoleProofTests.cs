using System.Net;
using System.Text.RegularExpressions;
using Federation.Core.Requests;
using Federation.Node.Tests.Support;

namespace Federation.Node.Tests;

/// <summary>"Download a proof" on the console's case and list screens: an auditor gets the C2SP tlog-proof of the item's
/// log entry, which <c>fedaudit proof</c> accepts; the download is a consultation with a justification, bound to the item
/// the visit is about, and refused to anyone but an auditor.</summary>
public sealed partial class ConsoleProofTests : IAsyncLifetime
{
    private readonly TestNode _kr = new("kr-knpa") { Customize = LedgerEvents.FastCheckpoints };
    private readonly TestNode _fr = new("fr-ofmin");
    private readonly ProofRun _run = new("kr-knpa");

    public async Task InitializeAsync()
    {
        _kr.Peers.Add(_fr);
        _fr.Peers.Add(_kr);
        await Task.WhenAll(_kr.StartAsync(), _fr.StartAsync());
    }

    public async Task DisposeAsync()
    {
        _run.Dispose();
        await _kr.DisposeAsync();
        await _fr.DisposeAsync();
    }

    [Fact]
    public async Task An_auditor_downloads_a_proof_of_a_case_step_and_it_verifies_offline()
    {
        var caseRef = (await RequestSteps.DraftAsync(_kr, "officer", RequestType.Preserve, "BUDAPEST:29", "fr-ofmin", RequestSteps.Preservation)).Case.Case;
        await RequestSteps.ActAsync(_kr, "officer", caseRef, "submit");
        await LedgerEvents.SignAsync(_kr);

        using var auditor = Clients.DevPerson("kr-knpa", "auditor", _kr);
        var token = await ConsoleForms.TokenAsync(auditor, $"console/requests/{caseRef}");
        using var opened = await auditor.PostAsync($"console/requests/{caseRef}?handler=View",
            Form(token, ("justification", "inspection: was the preservation request logged?")));
        var page = await opened.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var events = EventField().Matches(page).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(events); // one per signed step
        var visit = VisitField().Match(page).Groups[1].Value;

        using var proof = await auditor.PostAsync("console/audit/proof", Form(token, ("item", $"case:{caseRef}"), ("event", events[^1]), ("visit", visit)));
        Assert.Equal(HttpStatusCode.OK, proof.StatusCode);
        Assert.EndsWith(".tlog-proof", proof.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var file = _run.File("case.tlog-proof");
        await File.WriteAllBytesAsync(file, await proof.Content.ReadAsByteArrayAsync());
        var verify = _run.Verify(file);
        Assert.True(verify.Exit == 0, verify.Err);
        Assert.Contains($"kind request_step_recorded, stream request:{caseRef}", verify.Out, StringComparison.Ordinal);
        Assert.Contains("signer: kr-knpa (", verify.Out, StringComparison.Ordinal);

        // The visit is about this case: it cannot be spent on a list, and the case's visit names only the case's entries.
        using var elsewhere = await auditor.PostAsync("console/audit/proof", Form(token, ("item", "list:kr-knpa/any"), ("event", events[^1]), ("visit", visit)));
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
        Assert.Contains("Your visit has expired", await elsewhere.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var other = await auditor.PostAsync("console/audit/proof", Form(token, ("item", $"case:{caseRef}"), ("event", Guid.NewGuid().ToString()), ("visit", visit)));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);

        // An officer sees no proof on the case and is refused one.
        using var officer = Clients.DevPerson("kr-knpa", "officer", _kr);
        var officerToken = await ConsoleForms.TokenAsync(officer, $"console/requests/{caseRef}");
        using var officerView = await officer.PostAsync($"console/requests/{caseRef}?handler=View", Form(officerToken, ("justification", "console test")));
        Assert.DoesNotContain("data-testid=\"proof\"", await officerView.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var refused = await officer.PostAsync("console/audit/proof", Form(officerToken, ("item", $"case:{caseRef}"), ("event", events[^1]), ("justification", "curiosity")));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task An_auditor_downloads_a_proof_of_a_release_from_the_list_screen_once_a_checkpoint_covers_it()
    {
        await ListSteps.CreateAsync(_kr, "proved", "fr-ofmin");
        await ListSteps.PublishAsync(_kr, "proved", ListSteps.Csv(ListSteps.Md5Row(1)));

        using var auditor = Clients.DevPerson("kr-knpa", "auditor", _kr);
        using var screen = await auditor.GetAsync("console/lists/kr-knpa/proved");
        var page = await screen.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, screen.StatusCode);
        var release = ButtonEvent().Match(page).Groups[1].Value;
        Assert.NotEqual("", release);
        var token = ConsoleForms.TokenIn(page);

        // Before a checkpoint covers the release there is no proof yet, said so.
        var justification = ("justification", "inspection: was release 1 logged?");
        using (var early = await auditor.PostAsync("console/audit/proof", Form(token, ("item", "list:kr-knpa/proved"), ("event", release), justification)))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
            Assert.Contains("No signed checkpoint covers this entry yet", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await LedgerEvents.SignAsync(_kr);
        using var proof = await auditor.PostAsync("console/audit/proof", Form(token, ("item", "list:kr-knpa/proved"), ("event", release), justification));
        Assert.Equal(HttpStatusCode.OK, proof.StatusCode);
        var file = _run.File("release.tlog-proof");
        await File.WriteAllBytesAsync(file, await proof.Content.ReadAsByteArrayAsync());
        var verify = _run.Verify(file);
        Assert.True(verify.Exit == 0, verify.Err);
        Assert.Contains("kind release_published, stream list:kr-knpa/proved", verify.Out, StringComparison.Ordinal);

        // Without a justification, no proof; and the download was recorded with the one given.
        using var unjustified = await auditor.PostAsync("console/audit/proof", Form(token, ("item", "list:kr-knpa/proved"), ("event", release)));
        Assert.Equal(HttpStatusCode.BadRequest, unjustified.StatusCode);
        Assert.True(await ListSteps.ScalarAsync(_kr,
            "SELECT count(*) FROM fed.mt_events WHERE type = 'access_recorded' AND data->>'Justification' = 'inspection: was release 1 logged?'") >= 2);

        using var officer = Clients.DevPerson("kr-knpa", "officer", _kr);
        Assert.DoesNotContain("data-testid=\"proof\"", await officer.GetStringAsync("console/lists/kr-knpa/proved"), StringComparison.Ordinal);
    }

    private static FormUrlEncodedContent Form(string token, params (string Name, string Value)[] fields) =>
        new(new Dictionary<string, string>(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))) { ["__RequestVerificationToken"] = token });

    [GeneratedRegex("name=\"event\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex EventField();

    [GeneratedRegex("<button type=\"submit\" form=\"proof-form\" name=\"event\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex ButtonEvent();

    [GeneratedRegex("name=\"visit\" value=\"([^\"]+)\"")]
    private static partial Regex VisitField();
}

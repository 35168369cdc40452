using System.Text.Json;
using System.Text.RegularExpressions;
using Federation.Auditor.Tests.Support;
using Federation.Auditor.Verify.Report;
using Federation.Core.Audit;
using Federation.Core.Ledger;

namespace Federation.Auditor.Tests;

/// <summary>
/// <c>fedaudit verify … --report</c> rendered in real headless Chromium. The bundle is hostile: an event type, a stream
/// key and a cosigning key name carry markup that would run script if it were not encoded. Screenshots land in the
/// test artefacts (<see cref="HeadlessChromium.ArtifactsDirectory"/>).
/// </summary>
public sealed class VerifyReportTests : IDisposable
{
    private const string Origin = "log.example/audited";
    private const string HostileType = "<script>document.title='pwned'</script>";
    private const string HostileStream = "case:<img src=x onerror=\"document.title='pwned'\">";
    private const string HostileWitness = "<svg/onload=document.title='pwned'>";

    private readonly string _bundle = Directory.CreateTempSubdirectory("fedaudit-report-bundle-").FullName;
    private readonly string _trust = Directory.CreateTempSubdirectory("fedaudit-report-trust-").FullName;
    private readonly string _out = Directory.CreateTempSubdirectory("fedaudit-report-").FullName;
    private readonly Ed25519NoteSigner _log = Ed25519NoteSigner.FromSeed(Origin, Enumerable.Repeat((byte)3, 32).ToArray());
    private readonly CosignatureV1Signer _witness = CosignatureV1Signer.FromSeed("witness.example/w1", Enumerable.Repeat((byte)4, 32).ToArray());
    private readonly CosignatureV1Signer _stranger = CosignatureV1Signer.FromSeed(HostileWitness, Enumerable.Repeat((byte)5, 32).ToArray());

    public void Dispose()
    {
        _log.Dispose();
        _witness.Dispose();
        _stranger.Dispose();
        foreach (var d in new[] { _bundle, _trust, _out }) Directory.Delete(d, recursive: true);
    }

    /// <summary>30 entries (every other one in the hostile stream): 20 <c>case_noted</c>, 7 of the hostile type, 3
    /// <c>list_expired</c>; checkpoints at 5, 12, 20 (uncosigned) and 30 (cosigned by the trusted witness, in
    /// <paramref name="witnessLines"/> lines, and by the untrusted hostile key), signed an hour apart; 12 is cosigned too.</summary>
    private void WriteBundle(Action<List<AuditEntry>>? tamper = null, int witnessLines = 1)
    {
        var entries = new List<AuditEntry>();
        var store = new InMemoryMerkleNodeStore();
        var range = CompactRange.Empty;
        for (var i = 0; i < 30; i++)
        {
            var type = i < 20 ? "case_noted" : i < 27 ? HostileType : "list_expired";
            var data = JsonDocument.Parse($"{{\"case\":\"c-{i}\",\"amount\":{i}}}").RootElement;
            var digest = LedgerEntry.DataDigest(data.GetRawText());
            var entry = LedgerEntry.Create((ulong)i, Guid.NewGuid(), i % 2 == 0 ? HostileStream : "case:1", type, DateTimeOffset.UnixEpoch.AddDays(20_000).AddSeconds(i), digest);
            var completed = new List<StoredNode>();
            range = range.Append(entry.LeafHash(), completed);
            store.AddRange(completed);
            entries.Add(new AuditEntry(entry.Index, entry.EventId, entry.StreamKey, entry.EventType, entry.TimestampMicroseconds,
                Convert.ToBase64String(digest), null, entry.LeafHash().ToBase64(), data));
        }
        tamper?.Invoke(entries);
        var prover = new MerkleProver(store);
        ulong[] sizes = [5, 12, 20, 30];
        var checkpoints = sizes.Select((size, i) =>
        {
            var signed = SignedCheckpoint.Sign(Checkpoint.Create(Origin, size, prover.RootAsync(size).AsTask().Result), _log);
            if (i == sizes.Length - 1)
                signed = signed.WithCosignatures([.. Enumerable.Range(0, witnessLines).Select(n => _witness.Cosign(signed.Checkpoint.Text, 1_764_000_000 + (ulong)n * 60)),
                    _stranger.Cosign(signed.Checkpoint.Text, 1_764_000_000)]);
            else if (i == 1) signed = signed.WithCosignatures([_witness.Cosign(signed.Checkpoint.Text, 1_763_990_000)]);
            return new AuditCheckpoint(i + 1, DateTimeOffset.UnixEpoch.AddDays(20_001).AddHours(i), size, signed.ToString());
        });
        File.WriteAllLines(Path.Combine(_bundle, AuditBundle.EntriesFile), entries.Select(e => JsonSerializer.Serialize(e, AuditBundle.Json)));
        File.WriteAllLines(Path.Combine(_bundle, AuditBundle.CheckpointsFile), checkpoints.Select(c => JsonSerializer.Serialize(c, AuditBundle.Json)));
        File.WriteAllText(Path.Combine(_bundle, AuditBundle.ManifestFile), JsonSerializer.Serialize(
            new AuditManifest(AuditBundle.Format, "xx-test", Origin, 30, "https://node.example/<b>x</b>", DateTimeOffset.UnixEpoch.AddDays(20_002)), AuditBundle.Json));
        File.WriteAllText(Path.Combine(_trust, "log.vkey"), _log.Verifier + "\n");
        File.WriteAllText(Path.Combine(_trust, "w1.vkey"), _witness.Verifier + "\n");
    }

    private (int Exit, string Report) VerifyWithReport(string name, int quorum)
    {
        var report = Path.Combine(_out, name + ".html");
        var run = Fedaudit.Run("verify", _bundle, "--trust", _trust, "--quorum", quorum.ToString(System.Globalization.CultureInfo.InvariantCulture), "--report", report);
        Assert.True(File.Exists(report), run.Stderr);
        Assert.Contains($"report written to {report}", run.Stdout + run.Stderr, StringComparison.Ordinal);
        return (run.ExitCode, report);
    }

    /// <summary>Renders the report in Chromium, keeps a screenshot, and checks that nothing ran.</summary>
    private static string Render(string report, string name)
    {
        HeadlessChromium.Screenshot(report, Path.Combine(HeadlessChromium.ArtifactsDirectory(), name + ".png"));
        var dom = HeadlessChromium.DumpDom(report);
        Assert.Contains("<title>fedaudit verify: xx-test</title>", dom, StringComparison.Ordinal); // no script renamed the page
        Assert.DoesNotContain("pwned</title>", dom, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex("<(script|img|svg/onload)[ >/]", RegexOptions.IgnoreCase), Regex.Replace(dom, "<svg xmlns", ""));
        return dom;
    }

    private static string Cell(string dom, string label) =>
        Regex.Match(dom, $"<tr><td><code>{Regex.Escape(label)}</code></td><td class=\"n\">([^<]*)</td></tr>").Groups[1].Value;

    [BrowserFact]
    public void A_verified_bundle_reports_its_counts_trust_and_witnesses_and_runs_no_script()
    {
        WriteBundle();
        var (exit, report) = VerifyWithReport("verified", quorum: 1);
        Assert.Equal(0, exit);
        var dom = Render(report, "verified");

        Assert.Contains("<p id=\"result\" class=\"result ok\">VERIFIED</p>", dom, StringComparison.Ordinal);
        Assert.Equal("20", Cell(dom, "case_noted"));
        Assert.Equal("7", Cell(dom, "&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
        Assert.Equal("3", Cell(dom, "list_expired"));
        Assert.Contains("<th class=\"n\">30</th>", dom, StringComparison.Ordinal);
        Assert.Contains("https://node.example/&lt;b&gt;x&lt;/b&gt;", dom, StringComparison.Ordinal);
        // The trust used, the witnesses per checkpoint (a trusted one, and the hostile untrusted line shown as text), and the chart.
        Assert.Contains(_witness.Verifier.ToString(), dom, StringComparison.Ordinal);
        Assert.Contains($"witness.example/w1+{_witness.KeyId}", dom, StringComparison.Ordinal);
        Assert.Contains($"&lt;svg/onload=document.title='pwned'&gt;+{_stranger.KeyId}", dom, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(dom, "<circle [^>]*class=\"cosigned\"").Count);
        Assert.Equal(2, Regex.Matches(dom, "<circle [^>]*class=\"unwitnessed\"").Count);
    }

    [BrowserFact]
    public void A_tampered_bundle_reports_the_first_failure_with_its_reason_and_keeps_the_exit_code()
    {
        // Two lines from one witness key against a quorum of two: the issue's "one witness makes any quorum".
        WriteBundle(witnessLines: 2);
        var plain = Fedaudit.Run("verify", _bundle, "--trust", _trust, "--quorum", "2");
        var (exit, report) = VerifyWithReport("witness-duplicated", quorum: 2);
        Assert.Equal(1, plain.ExitCode);
        Assert.Equal(plain.ExitCode, exit);
        var dom = Render(report, "witness-duplicated");
        Assert.Contains("<p id=\"result\" class=\"result failed\">FAILED: witness-duplicated</p>", dom, StringComparison.Ordinal);
        Assert.Contains("<code id=\"failure-reason\">witness-duplicated</code>", dom, StringComparison.Ordinal);
        Assert.Contains("one witness's repeated cosignatures count once", dom, StringComparison.Ordinal);

        // An entry's data changed: the failure names the entry, and the counts stop before it.
        WriteBundle(entries => entries[12] = entries[12] with { Data = JsonDocument.Parse("{\"case\":\"c-12\",\"amount\":13}").RootElement });
        (exit, report) = VerifyWithReport("data-altered", quorum: 1);
        Assert.Equal(1, exit);
        dom = Render(report, "data-altered");
        Assert.Contains("class=\"result failed\"", dom, StringComparison.Ordinal);
        Assert.Contains("entry 12 (event ", dom, StringComparison.Ordinal);
        Assert.Contains("the event's data was altered after it was logged", dom, StringComparison.Ordinal);
        Assert.Equal("12", Cell(dom, "case_noted"));
    }

    [BrowserFact]
    public void The_content_security_policy_stops_a_script_that_got_into_the_report()
    {
        WriteBundle();
        var (_, report) = VerifyWithReport("csp", quorum: 1);
        var html = File.ReadAllText(report);
        const string Injected = "<script>document.body.setAttribute('data-ran','yes')</script></body>";
        var withScript = Path.Combine(_out, "with-script.html");
        File.WriteAllText(withScript, html.Replace("</body>", Injected, StringComparison.Ordinal));
        Assert.DoesNotContain("data-ran=\"yes\"", HeadlessChromium.DumpDom(withScript), StringComparison.Ordinal);

        // The same page without the policy runs it: the check above can see a script that ran.
        var withoutPolicy = Path.Combine(_out, "without-policy.html");
        File.WriteAllText(withoutPolicy, html.Replace("</body>", Injected, StringComparison.Ordinal)
            .Replace($"content=\"{System.Net.WebUtility.HtmlEncode(HtmlReport.ContentSecurityPolicy)}\"", "content=\"\"", StringComparison.Ordinal));
        Assert.Contains("data-ran=\"yes\"", HeadlessChromium.DumpDom(withoutPolicy), StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_loads_nothing_from_outside_and_encodes_every_bundle_value()
    {
        WriteBundle();
        var html = File.ReadAllText(VerifyWithReport("static", quorum: 1).Report);
        Assert.DoesNotMatch(new Regex("(src|href)\\s*=", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(HostileStream, html, StringComparison.Ordinal);
        Assert.DoesNotContain(HostileWitness, html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
    }

    [Fact]
    public void The_record_stays_bounded_for_a_bundle_of_any_size()
    {
        var record = new VerificationRecord("bundle", DateTimeOffset.UnixEpoch, 1);
        for (var i = 0; i < 10_000; i++)
            record.Checkpoint(new CheckpointRecord(i, (ulong)i, DateTimeOffset.UnixEpoch.AddMinutes(i), [], []));
        for (var i = 0; i < 600; i++) record.Entry($"type-{i}", withEnvelope: false);
        record.Entry("type-0", withEnvelope: true);

        Assert.InRange(record.Checkpoints.Count, 1000, VerificationRecord.MaxCheckpoints + 1);
        Assert.Equal(0, record.Checkpoints[0].Id);
        Assert.Equal(9_999, record.Checkpoints[^1].Id);
        Assert.Equal(10_000, record.CheckpointCount);
        Assert.Equal(VerificationRecord.MaxEventTypes, record.EventTypes.Count);
        Assert.Equal(100, record.OtherTypes);
        Assert.Equal(2, record.EventTypes["type-0"]);
        Assert.Equal(601UL, record.Entries);
        Assert.Contains("(types beyond the first 500)</td><td class=\"n\">100</td>", HtmlReport.Render(record), StringComparison.Ordinal);
    }

    [Fact]
    public void A_trust_directory_that_does_not_load_still_gets_a_report_naming_why()
    {
        WriteBundle();
        File.WriteAllText(Path.Combine(_trust, "ca.crt"), "not read: the old layout is refused by name");
        var (exit, report) = VerifyWithReport("trust-layout", quorum: 1);
        Assert.Equal(1, exit);
        var html = File.ReadAllText(report);
        Assert.Contains("<code id=\"failure-reason\">trust-layout</code>", html, StringComparison.Ordinal);
        Assert.Contains("The trust directory was not read.", html, StringComparison.Ordinal);
    }
}

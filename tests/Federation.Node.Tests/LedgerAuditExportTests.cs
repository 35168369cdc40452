using Federation.Node.Audit;
using Federation.Node.Ledger;
using Federation.Node.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary><c>fedctl audit export</c> from a node of a three-node federation, verified offline by <c>fedaudit verify</c>.</summary>
public sealed class LedgerAuditExportTests(ThreeNodes nodes) : IClassFixture<ThreeNodes>
{
    private TestNode Kr => nodes.Kr;

    private async Task<StoredCheckpoint> WitnessedCheckpointAsync()
    {
        await LedgerEvents.AppendAsync(Kr, 25, "case:export");
        var signed = await LedgerEvents.SignAsync(Kr);
        var outcomes = await Kr.Services.GetRequiredService<Witnessing>().CollectAsync(signed, CancellationToken.None);
        Assert.All(outcomes, o => Assert.True(o.Cosigned, o.Detail));
        return signed;
    }

    [Fact]
    public async Task A_clean_export_verifies_with_a_quorum_of_two_witnesses_and_records_the_export_as_consultations()
    {
        var signed = await WitnessedCheckpointAsync();
        using var audit = new AuditRun("kr-knpa", "fr-ofmin", "nl-police");
        var asked = AuditRun.Now();
        var export = audit.Export(Kr, "export for the 2026 data-protection inspection");
        Assert.True(export.Exit == 0, export.Err);
        // Anchored on a checkpoint signed for the export (it covers the export's own first consultation), cosigned now.
        var fresh = System.Text.RegularExpressions.Regex.Match(export.Out, @"fresh checkpoint #\d+ \(size (\d+)\): cosigned by 2 of 2 witnesses");
        Assert.True(fresh.Success, export.Out);
        var size = ulong.Parse(fresh.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(size > signed.Size);
        Assert.Contains($"entries {size}/{size}", export.Out, StringComparison.Ordinal);
        Assert.Contains("  fr-ofmin: cosigned (cosigned at ", export.Out, StringComparison.Ordinal);

        var verify = audit.Verify(quorum: 2, freshSince: asked);
        Assert.True(verify.Exit == 0, verify.Err);
        Assert.Contains($"latest size {size} with 2 trusted cosignatures", verify.Out, StringComparison.Ordinal);
        Assert.Contains("2 distinct trusted witnesses cosigned it at or after", verify.Out, StringComparison.Ordinal);
        Assert.Contains("under the trusted CA", verify.Out, StringComparison.Ordinal);

        // The export itself was a consultation: recorded with its justification, in the log it exported from.
        await using var session = Kr.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var records = await session.Events.FetchStreamAsync(AccessLog.StreamPrefix + "urn:federation:person:kr-knpa:auditor");
        Assert.Contains(records, r => r.Data is AccessRecorded a && a.Justification == "export for the 2026 data-protection inspection"
            && a.Resource.StartsWith("/api/v1/log/entries", StringComparison.Ordinal));

        // A later export includes those consultations once a checkpoint covers them.
        await WitnessedCheckpointAsync();
        using var second = new AuditRun("kr-knpa", "fr-ofmin", "nl-police");
        Assert.Equal(0, second.Export(Kr).Exit);
        var lines = File.ReadAllLines(Path.Combine(second.Bundle, "entries.jsonl"));
        Assert.Contains(lines, l => l.Contains("export for the 2026 data-protection inspection", StringComparison.Ordinal));
        Assert.Equal(0, second.Verify(quorum: 2).Exit);
    }

    [Fact]
    public async Task Too_few_trusted_witnesses_fail_the_quorum()
    {
        await WitnessedCheckpointAsync();
        using var audit = new AuditRun("kr-knpa", "fr-ofmin");
        Assert.Equal(0, audit.Export(Kr).Exit);
        var verify = audit.Verify(quorum: 2);
        Assert.Equal(1, verify.Exit);
        Assert.Contains("expected at least 2 cosignatures by trusted witnesses; found 1", verify.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_auditor_who_trusts_another_agencys_ca_has_no_log_key()
    {
        await WitnessedCheckpointAsync();
        using var audit = new AuditRun("kr-knpa");
        Assert.Equal(0, audit.Export(Kr).Exit);
        File.Delete(Path.Combine(audit.Trust, "kr-knpa.crt"));
        File.Copy(Repo.CertsDev("fr-ofmin", "ca.crt"), Path.Combine(audit.Trust, "fr-ofmin.crt"));
        var verify = audit.Verify();
        Assert.Equal(1, verify.Exit);
        Assert.Contains("FAILED: log key", verify.Err, StringComparison.Ordinal);
        Assert.Contains("no kr-knpa.crt in the trust directory (CAs for fr-ofmin)", verify.Err, StringComparison.Ordinal);

        // Nor does fr's CA under kr's name: it is checked as kr's CA, and kr's descriptor does not chain to it.
        File.Move(Path.Combine(audit.Trust, "fr-ofmin.crt"), Path.Combine(audit.Trust, "kr-knpa.crt"));
        Assert.Contains("a descriptor that does not verify", audit.Verify().Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trust_directory_in_the_old_layout_is_refused_with_the_expected_one()
    {
        await WitnessedCheckpointAsync();
        using var audit = new AuditRun("kr-knpa");
        Assert.Equal(0, audit.Export(Kr).Exit);
        File.Move(Path.Combine(audit.Trust, "kr-knpa.crt"), Path.Combine(audit.Trust, "kr-knpa-ca.crt"));
        var verify = audit.Verify();
        Assert.Equal(1, verify.Exit);
        Assert.Equal("fedaudit: FAILED: trust-layout: trust file kr-knpa-ca.crt: expected <node-id>.crt (the agency CA that vouches for that node, e.g. kr-knpa.crt), "
            + "<node-id>.crl (its CRL, optional) and *.vkey (witness and log keys); found the old layout; rename it kr-knpa.crt if it is kr-knpa's agency CA",
            verify.Err.TrimEnd());
        File.Move(Path.Combine(audit.Trust, "kr-knpa-ca.crt"), Path.Combine(audit.Trust, "ca.crt"));
        Assert.Contains("trust file ca.crt", audit.Verify().Err, StringComparison.Ordinal);
    }

    [Fact]
    public void The_auditors_table_of_envelope_events_is_the_nodes()
    {
        // fedaudit depends on Core only, so it knows these types from Core's table; it must not drift from the node.
        var types = Kr.Services.GetRequiredService<IDocumentStore>().Options.Events.AllKnownEventTypes()
            .Where(t => typeof(IEnvelopeEvent).IsAssignableFrom(t.EventType)).ToList();
        Assert.Equal(Federation.Core.Audit.EnvelopeEvents.SignerField.Keys.Order(StringComparer.Ordinal),
            types.Select(t => t.EventTypeName).Order(StringComparer.Ordinal));
        foreach (var type in types)
            Assert.NotNull(type.EventType.GetProperty(Federation.Core.Audit.EnvelopeEvents.SignerField[type.EventTypeName]));
    }

    [Fact]
    public async Task Export_without_a_justification_is_refused_by_the_node()
    {
        await WitnessedCheckpointAsync();
        using var audit = new AuditRun("kr-knpa");
        var export = audit.Export(Kr, justification: " ");
        Assert.Equal(1, export.Exit);
        Assert.Contains("justification-required", export.Err, StringComparison.Ordinal);
    }
}

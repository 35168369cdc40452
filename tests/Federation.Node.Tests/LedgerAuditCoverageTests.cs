using System.Net;
using System.Net.Http.Json;
using Federation.Core.Requests;
using Federation.Node.Tests.Support;
using static Federation.Node.Tests.Support.RequestSteps;

namespace Federation.Node.Tests;

/// <summary>
/// An audit of nodes that have done the federation's whole job: published and received a release, pushed a message
/// and stored its receipt, sent and received feedback, and exchanged the steps of a cross-border request. Every
/// event that carries a signed envelope is exported with it and verified offline by <c>fedaudit</c>; an envelope kind
/// the auditor does not know, or a blob the export misses, fails here.
/// </summary>
public sealed class LedgerAuditCoverageTests : IAsyncLifetime
{
    private readonly TestNode _kr = new("kr-knpa") { Customize = LedgerEvents.FastCheckpoints };
    private readonly TestNode _fr = new("fr-ofmin") { Customize = LedgerEvents.FastCheckpoints };

    public async Task InitializeAsync()
    {
        _kr.Peers.Add(_fr);
        _fr.Peers.Add(_kr);
        await Task.WhenAll(_kr.StartAsync(), _fr.StartAsync());
    }

    public async Task DisposeAsync()
    {
        await _kr.DisposeAsync();
        await _fr.DisposeAsync();
    }

    [Fact]
    public async Task Both_nodes_exports_verify_with_every_envelope_checked()
    {
        // A release kr → fr (pushed, then pulled as a duplicate), a generic message with its receipt.
        await ListSteps.CreateAsync(_kr, "audited", "fr-ofmin");
        var value = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("audited entry"u8));
        await ListSteps.PublishAsync(_kr, "audited", ListSteps.Csv($"sha256,{value},csam"));
        await PushSteps.DeliverAsync(_kr, _fr);
        await ListSteps.PullAsync(_fr, _kr);
        await PushSteps.SendAsync(_kr, _fr);
        await PushSteps.DeliverAsync(_kr, _fr);

        // Feedback fr → kr.
        await MatchSteps.WaitForIndexAsync(_fr, "kr-knpa", "audited", 1);
        using (var officer = MatchSteps.Person(_fr, "officer"))
        using (var sent = await officer.PostAsJsonAsync("api/v1/feedback", new { origin = "kr-knpa", listId = "audited", signal = "sha256", value, verdict = "confirmed" }))
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        await PushSteps.DeliverAsync(_fr, _kr);

        // A request kr → fr, acknowledged by fr.
        var caseRef = (await DraftAsync(_kr, "officer", RequestType.Preserve, "BUDAPEST:29", "fr-ofmin", Preservation)).Case.Case;
        await ActAsync(_kr, "officer", caseRef, "submit");
        await ActAsync(_kr, "supervisor", caseRef, "approve");
        await ActAsync(_kr, "officer", caseRef, "send");
        await PushAsync(_kr, _fr);
        await ActAsync(_fr, "case-handler", caseRef, "acknowledge", new { responderRef = "FR-2026-0042" });
        await PushAsync(_fr, _kr);

        foreach (var (node, peer) in new[] { (_kr, _fr), (_fr, _kr) })
        {
            await LedgerEvents.SignAsync(node);
            using var audit = new AuditRun(node.NodeId);
            var export = audit.Export(node);
            Assert.True(export.Exit == 0, export.Err);

            // Without the peer's CA, the peer-signed envelopes cannot be trusted: the verifier says whose CA is missing.
            var partial = audit.Verify();
            Assert.Equal(1, partial.Exit);
            Assert.Contains($"add {peer.NodeId}'s agency CA to the trust directory", partial.Err, StringComparison.Ordinal);

            File.Copy(Repo.CertsDev(peer.NodeId, "ca.crt"), Path.Combine(audit.Trust, $"{peer.NodeId}.crt"));
            var verified = audit.Verify();
            Assert.True(verified.Exit == 0, verified.Err);

            var kinds = File.ReadLines(Path.Combine(audit.Bundle, "entries.jsonl"))
                .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
                .Where(e => e.TryGetProperty("envelope", out var env) && env.ValueKind == System.Text.Json.JsonValueKind.Object)
                .Select(e => e.GetProperty("eventType").GetString()!).ToHashSet();
            var expected = node == _kr
                ? new[] { "release_published", "push_receipt_stored", "message_received", "request_step_recorded" }
                : ["release_received", "push_receipt_stored", "message_received", "request_step_recorded"];
            foreach (var kind in expected) Assert.Contains(kind, kinds);
        }
    }
}

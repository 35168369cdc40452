using System.Net;
using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Federation.Node.Peers;
using Federation.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary>
/// A peer's log origin is bound to that peer: fr publishing a log key named after nl's log has its descriptor refused
/// and its checkpoints not cosigned, and nl is neither taken over nor frozen; a peer submitting another peer's
/// checkpoint is refused; an origin pinned for a peer in the configuration is accepted.
/// </summary>
public sealed class LedgerWitnessOriginBindingTests(LedgerWitnessOriginBindingTests.HostileFr nodes) : IClassFixture<LedgerWitnessOriginBindingTests.HostileFr>
{
    public const string NlOrigin = "federation.node/nl-police/log";

    /// <summary>kr witnesses fr and nl; fr signs its checkpoints with a key of its own named after nl's log.</summary>
    public sealed class HostileFr : IAsyncLifetime
    {
        public TestNode Kr { get; } = new("kr-knpa") { Customize = LedgerEvents.FastCheckpoints };
        public TestNode Fr { get; } = new("fr-ofmin") { Customize = c => LedgerEvents.OwnLogKey(c, NlOrigin) };
        public TestNode Nl { get; } = new("nl-police") { Customize = LedgerEvents.FastCheckpoints };

        public async Task InitializeAsync()
        {
            Kr.Peers.AddRange([Fr, Nl]);
            Fr.Peers.Add(Kr);
            Nl.Peers.Add(Kr);
            await Task.WhenAll(Kr.StartAsync(), Fr.StartAsync(), Nl.StartAsync());
        }

        public async Task DisposeAsync()
        {
            foreach (var node in new[] { Kr, Fr, Nl }) await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_log_key_named_after_another_peers_log_is_refused_and_that_log_is_neither_taken_over_nor_frozen()
    {
        var (kr, fr, nl) = (nodes.Kr, nodes.Fr, nodes.Nl);
        var monitor = kr.Services.GetRequiredService<PeerMonitor>();
        var settings = kr.Services.GetRequiredService<Federation.Node.Hosting.NodeSettingsMonitor>().Current;
        var frStatus = await monitor.RefreshAsync(settings.Peers[Federation.Core.Identity.NodeId.Parse("fr-ofmin")], CancellationToken.None);
        Assert.Null(frStatus.Descriptor);
        Assert.Contains("log-origin-not-bound", frStatus.LastError, StringComparison.Ordinal);

        // fr asks kr to cosign its checkpoint, which names nl's log.
        await LedgerEvents.AppendAsync(fr, 3);
        var forged = await LedgerEvents.SignAsync(fr);
        Assert.Equal(NlOrigin, forged.Signed.Checkpoint.Origin);
        var outcome = Assert.Single(await fr.Services.GetRequiredService<Witnessing>().CollectAsync(forged, CancellationToken.None));
        Assert.False(outcome.Cosigned);
        Assert.Contains("log-origin-not-bound", outcome.Detail, StringComparison.Ordinal);

        // nl's own log is witnessed as before: no record was written for it by fr, so nothing conflicts.
        await LedgerEvents.AppendAsync(nl, 2);
        var genuine = await LedgerEvents.SignAsync(nl);
        var nlOutcome = Assert.Single(await nl.Services.GetRequiredService<Witnessing>().CollectAsync(genuine, CancellationToken.None));
        Assert.True(nlOutcome.Cosigned, nlOutcome.Detail);
        var records = kr.Services.GetRequiredService<WitnessRecords>();
        var (record, _) = await records.LatestAsync(NlOrigin, CancellationToken.None);
        Assert.Equal(genuine.Signed.Checkpoint.RootHash, record!.RootHash);
        Assert.False(record.Frozen);
        Assert.Empty(await records.EvidenceAsync(NlOrigin, CancellationToken.None));
        Assert.False(kr.Logs.Contains("ALERT"), "an equivocation alert was raised");
    }

    [Fact]
    public async Task A_peer_that_submits_another_peers_checkpoint_is_refused()
    {
        var (kr, nl) = (nodes.Kr, nodes.Nl);
        await LedgerEvents.AppendAsync(nl, 1, "case:replayed");
        var genuine = await LedgerEvents.SignAsync(nl);
        var known = (await kr.Services.GetRequiredService<WitnessRecords>().LatestAsync(NlOrigin, CancellationToken.None)).Record?.Size ?? 0;

        // A checkpoint nl really signed, with a valid proof from what kr knows: only the submitter is wrong.
        using var fr = Clients.DevNodeClient("fr-ofmin", kr);
        using var response = await LedgerRequests.PostAsync(fr, await LedgerRequests.GenuineAsync(nl, genuine, known));
        Assert.Equal("log-origin-not-bound", await ProblemReason.Of(response, HttpStatusCode.Forbidden));
        var (record, _) = await kr.Services.GetRequiredService<WitnessRecords>().LatestAsync(NlOrigin, CancellationToken.None);
        Assert.Equal(known, record?.Size ?? 0);
    }
}

/// <summary>An origin pinned for a peer (<c>Node:Peers:i:LogOrigin</c>) is that peer's log: its descriptor is accepted and
/// its checkpoints cosigned.</summary>
public sealed class LedgerWitnessPinnedOriginTests : IAsyncLifetime
{
    private const string Pinned = "ofmin.example.fr/transparency-log";
    private readonly TestNode _kr = new("kr-knpa")
    {
        Customize = c =>
        {
            LedgerEvents.FastCheckpoints(c);
            c["Node"]!["Peers"]![0]!["LogOrigin"] = Pinned;
        },
    };
    private readonly TestNode _fr = new("fr-ofmin") { Customize = c => LedgerEvents.OwnLogKey(c, Pinned) };

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
    public async Task A_peer_whose_log_origin_is_pinned_in_the_configuration_is_witnessed_under_it()
    {
        await LedgerEvents.AppendAsync(_fr, 2);
        var signed = await LedgerEvents.SignAsync(_fr);
        Assert.Equal(Pinned, signed.Signed.Checkpoint.Origin);
        var outcome = Assert.Single(await _fr.Services.GetRequiredService<Witnessing>().CollectAsync(signed, CancellationToken.None));
        Assert.True(outcome.Cosigned, outcome.Detail);
        var (record, _) = await _kr.Services.GetRequiredService<WitnessRecords>().LatestAsync(Pinned, CancellationToken.None);
        Assert.Equal(signed.Size, record!.Size);
    }
}

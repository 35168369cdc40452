using System.Net;
using Federation.Core.Descriptors;
using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Federation.Node.Peers;
using Federation.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary>The node's log key, published in its descriptor and at /federation/v1/log/key, signs its checkpoints.</summary>
public sealed class LedgerCheckpointTests(LedgerCheckpointTests.KrAndFr nodes) : IClassFixture<LedgerCheckpointTests.KrAndFr>
{
    public sealed class KrAndFr : IAsyncLifetime
    {
        public ShiftedClock KrClock { get; } = new();
        public TestNode Kr { get; }
        public KrAndFr() => Kr = new("kr-knpa") { Customize = LedgerEvents.FastCheckpoints, Clock = KrClock };
        public TestNode Fr { get; } = new("fr-ofmin") { Customize = LedgerEvents.FastCheckpoints };

        public async Task InitializeAsync()
        {
            Kr.Peers.Add(Fr);
            Fr.Peers.Add(Kr);
            await Task.WhenAll(Kr.StartAsync(), Fr.StartAsync());
        }

        public async Task DisposeAsync()
        {
            await Kr.DisposeAsync();
            await Fr.DisposeAsync();
        }
    }

    private TestNode Kr => nodes.Kr;

    [Fact]
    public async Task The_log_key_is_served_to_peers_and_published_in_the_signed_descriptor()
    {
        using var fr = Clients.DevNodeClient("fr-ofmin", Kr);
        using var response = await fr.GetAsync("federation/v1/log/key");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var served = await response.Content.ReadAsStringAsync();
        Assert.Equal(File.ReadAllText(Repo.CertsDev("kr-knpa", "log.vkey")), served);
        Assert.StartsWith("federation.node/kr-knpa/log+", served, StringComparison.Ordinal);

        var status = await nodes.Fr.Services.GetRequiredService<PeerMonitor>().RefreshAsync(nodes.Fr.Services
            .GetRequiredService<Federation.Node.Hosting.NodeSettingsMonitor>().Current.Peers.Values.Single(), CancellationToken.None);
        Assert.Null(status.LastError);
        NodeDescriptor descriptor = status.Descriptor!;
        Assert.Equal(served.TrimEnd('\n'), descriptor.LogPublicKey);
        Assert.Equal(LedgerEvents.PublishedWitnessKey("kr-knpa").ToString(), descriptor.WitnessPublicKey);
    }

    [Fact]
    public async Task A_checkpoint_covers_the_whole_log_and_verifies_with_the_published_key_only()
    {
        await LedgerEvents.AppendAsync(Kr, 5);
        var signed = await LedgerEvents.SignAsync(Kr);
        var checkpoint = signed.Signed.Checkpoint;

        var rows = await LedgerRows.ReadAsync(Kr);
        Assert.Equal("federation.node/kr-knpa/log", checkpoint.Origin);
        Assert.Equal((ulong)rows.Leaves.Count, checkpoint.Size);
        Assert.Equal(rows.Recompute().Range.RootHash(), checkpoint.RootHash);
        var time = Assert.Single(checkpoint.Extensions);
        Assert.Equal($"time {signed.SignedAt.ToUnixTimeSeconds()}", time);

        Assert.Equal(NoteCheck.Valid, signed.Signed.Verify([LedgerEvents.PublishedLogKey("kr-knpa")]).Result);
        Assert.Equal(NoteCheck.NoVerifiedSignature, signed.Signed.Verify([LedgerEvents.PublishedLogKey("fr-ofmin")]).Result);
        // The same key name with another key is another key ID: not this log's signature.
        var (_, impostor) = Ed25519NoteSigner.GenerateKey("federation.node/kr-knpa/log");
        Assert.Equal(NoteCheck.NoVerifiedSignature, signed.Signed.Verify([NoteVerifier.Parse(impostor)]).Result);
        // One changed byte of the signed text (the size) breaks the log's signature.
        var note = signed.Signed.ToString();
        var tampered = note.Replace($"\n{checkpoint.Size}\n", $"\n{checkpoint.Size + 1}\n", StringComparison.Ordinal);
        Assert.NotEqual(note, tampered);
        Assert.Equal(NoteCheck.InvalidSignature, SignedCheckpoint.Parse(tampered).Verify([LedgerEvents.PublishedLogKey("kr-knpa")]).Result);
    }

    [Fact]
    public async Task A_log_that_did_not_grow_gets_no_new_checkpoint_before_the_freshness_period()
    {
        await LedgerEvents.AppendAsync(Kr, 1);
        var first = await LedgerEvents.SignAsync(Kr);
        nodes.KrClock.Advance(TimeSpan.FromMilliseconds(1100)); // past the checkpoint cadence, without sleeping
        Assert.Null(await Kr.Services.GetRequiredService<LedgerCheckpoints>().SignIfDueAsync(CancellationToken.None));

        await LedgerEvents.AppendAsync(Kr, 1);
        var second = await LedgerEvents.SignAsync(Kr);
        Assert.Equal(first.Size + 1, second.Size);
        var latest = await Kr.Services.GetRequiredService<LedgerCheckpoints>().LatestAsync(CancellationToken.None);
        Assert.Equal(second.Id, latest!.Id);
    }
}

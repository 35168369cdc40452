using Federation.Node.Peers;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests.Support;

/// <summary>kr-knpa, fr-ofmin and nl-police, each peered with the other two, with each other's descriptors fetched.</summary>
public sealed class ThreeNodes : IAsyncLifetime
{
    // One clock for the three: a test moves time for all of them at once, so they never disagree about it.
    private readonly ShiftedClock _clock = new();

    public ThreeNodes()
    {
        Kr = new("kr-knpa") { Customize = LedgerEvents.FastCheckpoints, Clock = _clock };
        Fr = new("fr-ofmin") { Customize = LedgerEvents.FastCheckpoints, Clock = _clock };
        Nl = new("nl-police") { Customize = LedgerEvents.FastCheckpoints, Clock = _clock };
    }

    public TestNode Kr { get; }
    public TestNode Fr { get; }
    public TestNode Nl { get; }

    /// <summary>Moves the three nodes' clock forward instead of sleeping.</summary>
    public void Advance(TimeSpan by) => _clock.Advance(by);

    public IReadOnlyList<TestNode> All => [Kr, Fr, Nl];

    public async Task InitializeAsync()
    {
        foreach (var node in All) node.Peers.AddRange(All.Where(n => n != node));
        await Task.WhenAll(All.Select(n => n.StartAsync()));
        await Task.WhenAll(All.Select(n => n.Services.GetRequiredService<PeerMonitor>().RefreshAllAsync(CancellationToken.None)));
    }

    public async Task DisposeAsync()
    {
        foreach (var node in All) await node.DisposeAsync();
    }
}

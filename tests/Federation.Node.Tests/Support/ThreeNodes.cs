using Federation.Node.Peers;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests.Support;

/// <summary>kr-knpa, fr-ofmin and nl-police, each peered with the other two, with each other's descriptors fetched.</summary>
public sealed class ThreeNodes : IAsyncLifetime
{
    public TestNode Kr { get; } = new("kr-knpa") { Customize = LedgerEvents.FastCheckpoints };
    public TestNode Fr { get; } = new("fr-ofmin") { Customize = LedgerEvents.FastCheckpoints };
    public TestNode Nl { get; } = new("nl-police") { Customize = LedgerEvents.FastCheckpoints };

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

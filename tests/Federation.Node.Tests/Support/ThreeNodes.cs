namespace Federation.Node.Tests.Support;

/// <summary>kr-knpa, fr-ofmin and nl-police, each peered with the other two; jobs off, tests pull explicitly.</summary>
public sealed class ThreeNodes : IAsyncLifetime
{
    public TestNode Kr { get; } = new("kr-knpa");
    public TestNode Fr { get; } = new("fr-ofmin");
    public TestNode Nl { get; } = new("nl-police");

    public async Task InitializeAsync()
    {
        Kr.Peers.AddRange([Fr, Nl]);
        Fr.Peers.AddRange([Kr, Nl]);
        Nl.Peers.AddRange([Kr, Fr]);
        await Task.WhenAll(Kr.StartAsync(), Fr.StartAsync(), Nl.StartAsync());
    }

    public async Task DisposeAsync()
    {
        await Kr.DisposeAsync();
        await Fr.DisposeAsync();
        await Nl.DisposeAsync();
    }
}

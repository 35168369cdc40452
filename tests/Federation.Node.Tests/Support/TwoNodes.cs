namespace Federation.Node.Tests.Support;

/// <summary>kr-knpa and fr-ofmin running and peered with each other; kr-knpa also pins nl-police, which is down.</summary>
public sealed class TwoNodes : IAsyncLifetime
{
    public TestNode Kr { get; } = new("kr-knpa");
    public TestNode Fr { get; } = new("fr-ofmin");
    public TestNode NlNeverStarted { get; } = new("nl-police");

    public async Task InitializeAsync()
    {
        Kr.Peers.AddRange([Fr, NlNeverStarted]);
        Fr.Peers.Add(Kr);
        await Task.WhenAll(Kr.StartAsync(), Fr.StartAsync());
    }

    public async Task DisposeAsync()
    {
        await Kr.DisposeAsync();
        await Fr.DisposeAsync();
    }
}

using Microsoft.Extensions.Primitives;

namespace Federation.Node.Hosting;

/// <summary>
/// Holds the current settings and rebuilds them when the configuration reloads, so a peer removed from the
/// configuration loses access on its next request. An invalid reload is logged and the last valid settings stay.
/// </summary>
public sealed class NodeSettingsMonitor : IDisposable
{
    private readonly IDisposable _subscription;
    private volatile NodeSettings _current;

    public NodeSettingsMonitor(NodeSettings initial, IConfiguration configuration, IHostEnvironment environment, TimeProvider time, ILogger<NodeSettingsMonitor> log)
    {
        _current = initial;
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () =>
        {
            try
            {
                _current = NodeSettingsLoader.Load(configuration, environment, time);
                log.LogInformation("Configuration reloaded: {PeerCount} peers, {PeopleCount} people", _current.Peers.Count, _current.People.Count);
            }
            catch (Exception e) when (e is NodeConfigurationException or IOException or System.Security.Cryptography.CryptographicException)
            {
                log.LogError("Configuration reload refused, keeping the previous settings: {Problem}", e.Message);
            }
        });
    }

    public NodeSettings Current => _current;

    public void Dispose() => _subscription.Dispose();
}

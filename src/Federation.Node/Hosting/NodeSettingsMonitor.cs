using System.Collections.Concurrent;
using System.Collections.Immutable;
using Federation.Core.Pki;
using Microsoft.Extensions.Primitives;

namespace Federation.Node.Hosting;

/// <summary>
/// Holds the current settings and rebuilds them when the configuration reloads, so a peer removed from the
/// configuration loses access on its next request. An invalid reload is logged and the last valid settings stay.
/// CRLs fetched from distribution points are kept here and applied to every settings generation.
/// </summary>
public sealed class NodeSettingsMonitor : IDisposable
{
    private readonly IDisposable _subscription;
    private readonly ConcurrentDictionary<(string Ca, Uri Url), RevocationList> _fetchedCrls = new();
    private readonly Lock _swap = new();
    private volatile NodeSettings _current;

    public NodeSettingsMonitor(NodeSettings initial, IConfiguration configuration, IHostEnvironment environment, TimeProvider time, ILogger<NodeSettingsMonitor> log)
    {
        _current = initial;
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () =>
        {
            try
            {
                var loaded = NodeSettingsLoader.Load(configuration, environment, time);
                lock (_swap) _current = WithFetchedCrls(loaded);
                log.LogInformation("Configuration reloaded: {PeerCount} peers, {PeopleCount} people", loaded.Peers.Count, loaded.People.Count);
            }
            catch (Exception e) when (e is NodeConfigurationException or IOException or System.Security.Cryptography.CryptographicException)
            {
                log.LogError("Configuration reload refused, keeping the previous settings: {Problem}", e.Message);
            }
        });
    }

    public NodeSettings Current => _current;

    /// <summary>Every anchor whose CRL comes from a distribution point.</summary>
    public IEnumerable<TrustAnchor> AnchorsWithCrlUrl() =>
        new[] { _current.OwnAnchor }.Concat(_current.Peers.Values.Select(p => p.Anchor)).Where(a => a.CrlUrl is not null);

    /// <summary>Installs a CRL fetched (and verified against its CA) from <paramref name="url"/>.</summary>
    public void ApplyFetchedCrl(TrustAnchor anchor, Uri url, RevocationList crl)
    {
        _fetchedCrls[(anchor.Thumbprint, url)] = crl;
        lock (_swap) _current = WithFetchedCrls(_current);
    }

    private NodeSettings WithFetchedCrls(NodeSettings s)
    {
        TrustAnchor Apply(TrustAnchor a) =>
            a.CrlUrl is { } url && _fetchedCrls.TryGetValue((a.Thumbprint, url), out var crl) ? a with { Crl = crl } : a;
        return s with
        {
            OwnAnchor = Apply(s.OwnAnchor),
            Peers = s.Peers.Select(kv => KeyValuePair.Create(kv.Key, kv.Value with { Anchor = Apply(kv.Value.Anchor) })).ToImmutableDictionary(),
        };
    }

    public void Dispose() => _subscription.Dispose();
}

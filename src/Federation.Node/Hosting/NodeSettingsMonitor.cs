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
    // Per CA (thumbprint), whichever distribution point it came from: replay is judged per issuer.
    private readonly ConcurrentDictionary<string, RevocationList> _fetchedCrls = new();
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

    /// <summary>The fetched CRL installed for <paramref name="anchor"/>'s CA, if any.</summary>
    public RevocationList? HeldCrl(TrustAnchor anchor) => _fetchedCrls.GetValueOrDefault(anchor.Thumbprint);

    /// <summary>Installs a CRL fetched (and verified against its CA) when it is newer than the one held; returns how it
    /// compared (<see cref="CrlOrder.Newer"/>: installed). Compare and install under one lock, so two fetches of one CA
    /// cannot install an older list after a newer one.</summary>
    public CrlOrder OfferCrl(TrustAnchor anchor, RevocationList crl)
    {
        lock (_swap)
        {
            if (_fetchedCrls.TryGetValue(anchor.Thumbprint, out var held) && crl.CompareTo(held) is var order and not CrlOrder.Newer) return order;
            _fetchedCrls[anchor.Thumbprint] = crl;
            _current = WithFetchedCrls(_current);
            return CrlOrder.Newer;
        }
    }

    private NodeSettings WithFetchedCrls(NodeSettings s)
    {
        TrustAnchor Apply(TrustAnchor a) =>
            a.CrlUrl is not null && _fetchedCrls.TryGetValue(a.Thumbprint, out var crl) ? a with { Crl = crl } : a;
        return s with
        {
            OwnAnchor = Apply(s.OwnAnchor),
            Peers = s.Peers.Select(kv => KeyValuePair.Create(kv.Key, kv.Value with { Anchor = Apply(kv.Value.Anchor) })).ToImmutableDictionary(),
        };
    }

    public void Dispose() => _subscription.Dispose();
}

using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Identity;
using Federation.Core.Pki;
using Federation.Node.Hosting;

namespace Federation.Node.Peers;

/// <summary>
/// HTTP clients for calling peers over mTLS: our node-client certificate, and a server check that accepts only a
/// certificate chaining to that peer's pinned CA, with serverAuth and the peer's node URI, checked against the CRL
/// held *now* (not the one held when the client was made). One handler per peer, pinned CA and CRL, so a new CA or a
/// new CRL gets a fresh connection pool: a connection opened before a revocation is not reused after it.
/// </summary>
public sealed class PeerClient(NodeSettingsMonitor settings, TimeProvider time, ILogger<PeerClient> log) : IDisposable
{
    private static readonly TimeSpan PoolLifetime = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<(NodeId, string), (RevocationList? Crl, HttpClient Client)> _clients = new();

    public HttpClient For(PeerSettings peer)
    {
        var key = (peer.NodeId, peer.Anchor.Thumbprint);
        var crl = CurrentAnchor(peer)?.Crl;
        while (true)
        {
            if (_clients.TryGetValue(key, out var held))
            {
                if (ReferenceEquals(held.Crl, crl)) return held.Client;
                var fresh = (crl, Create(peer));
                if (_clients.TryUpdate(key, fresh, held))
                {
                    Retire(held.Client);
                    return fresh.Item2;
                }
                fresh.Item2.Dispose();
            }
            else
            {
                var fresh = (crl, Create(peer));
                if (_clients.TryAdd(key, fresh)) return fresh.Item2;
                fresh.Item2.Dispose();
            }
        }
    }

    // Requests in flight on the old client (a long object pull) finish; it is disposed once its pool would have
    // recycled its connections anyway.
    private void Retire(HttpClient old) =>
        _ = Task.Delay(PoolLifetime, time).ContinueWith(_ => old.Dispose(), TaskScheduler.Default);

    /// <summary>The peer's anchor in the current settings (with the CRL held now), or null when the peer or its pinned
    /// CA is no longer configured.</summary>
    private TrustAnchor? CurrentAnchor(PeerSettings peer) =>
        settings.Current.Peers.TryGetValue(peer.NodeId, out var now) && now.Anchor.Thumbprint == peer.Anchor.Thumbprint ? now.Anchor : null;

    private HttpClient Create(PeerSettings peer)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = PoolLifetime,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [settings.Current.ClientCertificate],
                RemoteCertificateValidationCallback = (_, cert, _, _) => ValidateServer(peer, cert),
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            },
        };
        // Every peer body is read through BoundedBody; the small buffer limit makes any read that is not fail rather
        // than buffer up to .NET's 2 GB default.
        return new HttpClient(handler) { BaseAddress = peer.BaseUrl, Timeout = TimeSpan.FromSeconds(30), MaxResponseContentBufferSize = 1 << 20 };
    }

    private bool ValidateServer(PeerSettings peer, X509Certificate? presented)
    {
        if (presented is not X509Certificate2 cert)
        {
            log.LogWarning("Peer {Peer} presented no server certificate", peer.NodeId);
            return false;
        }
        var check = CurrentAnchor(peer) is { } anchor
            ? PinnedChain.Check(cert, anchor, time.GetUtcNow(), PinnedChain.ServerAuth)
            : CertificateCheck.Refused(RejectionReasons.PeerNotConfigured, $"{peer.NodeId} with CA {peer.Anchor.Ca.Subject} is no longer configured");
        if (check.Accepted && NodeId.FromCertificate(cert) != peer.NodeId)
            check = CertificateCheck.Refused(RejectionReasons.PeerNotConfigured, $"server certificate {cert.Subject} does not name {peer.NodeId.ToUri()}");
        if (!check.Accepted)
            log.LogWarning("Refused server certificate of peer {Peer}: {Reason} ({Detail})", peer.NodeId, check.Reason, check.Detail);
        return check.Accepted;
    }

    public void Dispose()
    {
        foreach (var c in _clients.Values) c.Client.Dispose();
    }
}

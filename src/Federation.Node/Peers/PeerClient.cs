using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Identity;
using Federation.Core.Pki;
using Federation.Node.Hosting;

namespace Federation.Node.Peers;

/// <summary>
/// HTTP clients for calling peers over mTLS: our node-client certificate, and a server check that accepts only a
/// certificate chaining to that peer's pinned CA, with serverAuth and the peer's node URI. One handler per peer and
/// pinned CA, so a configuration change (a new CA) gets a fresh connection pool.
/// </summary>
public sealed class PeerClient(NodeSettingsMonitor settings, TimeProvider time, ILogger<PeerClient> log) : IDisposable
{
    private readonly ConcurrentDictionary<(NodeId, string), HttpClient> _clients = new();

    public HttpClient For(PeerSettings peer) =>
        _clients.GetOrAdd((peer.NodeId, peer.Anchor.Thumbprint), _ => Create(peer));

    private HttpClient Create(PeerSettings peer)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
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
        var check = PinnedChain.Check(cert, peer.Anchor, time.GetUtcNow(), PinnedChain.ServerAuth);
        if (check.Accepted && NodeId.FromCertificate(cert) != peer.NodeId)
            check = CertificateCheck.Refused(RejectionReasons.PeerNotConfigured, $"server certificate {cert.Subject} does not name {peer.NodeId.ToUri()}");
        if (!check.Accepted)
            log.LogWarning("Refused server certificate of peer {Peer}: {Reason} ({Detail})", peer.NodeId, check.Reason, check.Detail);
        return check.Accepted;
    }

    public void Dispose()
    {
        foreach (var c in _clients.Values) c.Dispose();
    }
}

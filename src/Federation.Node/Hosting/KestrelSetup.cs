using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Federation.Node.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Federation.Node.Hosting;

/// <summary>Three listeners: federation (mTLS, peers), agency (mTLS, people), health (plain HTTP, loopback only), each with
/// the <see cref="ServingLimits"/>: connections per port and per remote address, handshake, header and keep-alive
/// timeouts, minimum body rates and a body size cap (endpoints set smaller ones).</summary>
public static class KestrelSetup
{
    // TLS 1.3 suites plus TLS 1.2 ECDHE with AEAD only: Kestrel on Linux otherwise offers CBC suites.
    private static readonly TlsCipherSuite[] Suites =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    public static void Configure(KestrelServerOptions k, NodeSettings settings, NodeListeners listeners, ServingLimits limits)
    {
        k.AddServerHeader = false;
        k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
        k.Limits.RequestHeadersTimeout = limits.RequestHeaders;
        k.Limits.KeepAliveTimeout = limits.KeepAlive;
        k.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyBytesPerSecond, ServingLimits.RateGrace);
        k.Limits.MinResponseDataRate = new MinDataRate(limits.MinResponseBytesPerSecond, ServingLimits.RateGrace);
        var ip = IPAddress.Parse(settings.ListenAddress);
        k.Listen(ip, settings.FederationPort, lo => listeners.Federation = Secure(lo, k, NodeFace.Federation, settings, limits));
        k.Listen(ip, settings.AgencyPort, lo => listeners.Agency = Secure(lo, k, NodeFace.Agency, settings, limits));
        // Health is local only, whatever address the node listens on for its peers.
        k.Listen(IPAddress.Loopback, settings.HealthPort, lo =>
        {
            lo.Protocols = HttpProtocols.Http1;
            lo.Use(NodeFaces.Tag(NodeFace.Health));
            lo.Use(Limit(k, NodeFace.Health, limits).Wrap);
            listeners.Health = lo;
        });
    }

    private static ConnectionLimit Limit(KestrelServerOptions k, NodeFace face, ServingLimits limits) =>
        new(face, limits.MaxConnectionsPerPort, limits.MaxConnectionsPerAddress,
            () => k.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Federation.Node.Security"));

    private static ListenOptions Secure(ListenOptions lo, KestrelServerOptions k, NodeFace face, NodeSettings settings, ServingLimits limits)
    {
        lo.Protocols = HttpProtocols.Http1AndHttp2;
        lo.Use(NodeFaces.Tag(face));
        // Before TLS: a connection over the limit costs no handshake.
        lo.Use(Limit(k, face, limits).Wrap);
        lo.UseHttps(h =>
        {
            h.HandshakeTimeout = limits.TlsHandshake;
            h.ServerCertificate = settings.TlsCertificate;
            h.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            // A person or peer without a certificate still gets an HTTP answer (403, "client-certificate-missing")
            // instead of a silent drop; every request is refused before any endpoint runs.
            h.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            h.CheckCertificateRevocation = false;
            h.ClientCertificateValidation = (cert, _, _) => Precheck(k, face, cert);
            h.OnAuthenticate = (_, ssl) =>
            {
                if (!OperatingSystem.IsWindows() && !OperatingSystem.IsMacOS()) ssl.CipherSuitesPolicy = new CipherSuitesPolicy(Suites);
            };
        });
        return lo;
    }

    private static bool Precheck(KestrelServerOptions k, NodeFace face, X509Certificate2 cert)
    {
        var services = k.ApplicationServices;
        var settings = services.GetRequiredService<NodeSettingsMonitor>().Current;
        var check = ClientCertificatePolicy.Precheck(settings, face, cert, services.GetRequiredService<TimeProvider>().GetUtcNow());
        if (!check.Accepted)
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Federation.Node.Security")
                .LogWarning("Refused {Face} TLS handshake from {Subject}: {Reason} ({Detail})", face, cert.Subject, check.Reason, check.Detail);
        return check.Accepted;
    }
}

/// <summary>The listeners as bound, so the real ports are known after start (tests listen on port 0).</summary>
public sealed class NodeListeners
{
    public ListenOptions? Federation { get; set; }
    public ListenOptions? Agency { get; set; }
    public ListenOptions? Health { get; set; }

    public int FederationPort => Federation!.IPEndPoint!.Port;
    public int AgencyPort => Agency!.IPEndPoint!.Port;
    public int HealthPort => Health!.IPEndPoint!.Port;
}

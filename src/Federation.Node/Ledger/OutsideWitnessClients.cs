using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Node.Ledger;

/// <summary>
/// One HTTP client per outside witness, made once (the witnesses are read at start). Plain server-authenticated TLS,
/// no client certificate: a public witness knows no federation CA. With a pinned <see cref="OutsideWitness.Ca"/> the
/// server's chain must end at that CA alone (the system's roots do not count) and name the URL's host; without one,
/// the platform's usual check against the system's roots applies.
/// </summary>
public sealed class OutsideWitnessClients : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private readonly Dictionary<string, HttpClient> _clients;

    public OutsideWitnessClients(LedgerSettings ledger, ILogger<OutsideWitnessClients> log) =>
        _clients = ledger.Witnesses.ToDictionary(w => w.Name, w => Create(w, log));

    public HttpClient For(OutsideWitness witness) => _clients[witness.Name];

    private static HttpClient Create(OutsideWitness witness, ILogger log)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AllowAutoRedirect = false, // a redirect could carry the request to a host the pinned CA never vouched for
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = witness.Ca is { } ca ? (_, cert, _, errors) => Pinned(witness, ca, cert, errors, log) : null,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            },
        };
        // Answers are read through BoundedBody; the small buffer limit makes any other read fail rather than buffer.
        return new HttpClient(handler) { BaseAddress = witness.Url, Timeout = TimeSpan.FromSeconds(30), MaxResponseContentBufferSize = 1 << 20 };
    }

    private static bool Pinned(OutsideWitness witness, X509Certificate2 ca, X509Certificate? presented, SslPolicyErrors errors, ILogger log)
    {
        // The host name check is the platform's; only the chain is judged here, against the pinned CA alone.
        if (presented is not X509Certificate2 cert || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            log.LogWarning("Refused the TLS certificate of witness {Witness}: {Errors}", witness.Name, errors);
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuth);
        if (chain.Build(cert)) return true;
        log.LogWarning("Refused the TLS certificate of witness {Witness}: it does not chain to the pinned CA {Ca} ({Status})", witness.Name, ca.Subject,
            string.Join(", ", chain.ChainStatus.Select(s => s.Status)));
        return false;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values) client.Dispose();
    }
}

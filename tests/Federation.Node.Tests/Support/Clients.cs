using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Pki;

namespace Federation.Node.Tests.Support;

/// <summary>HTTP clients that present a given client certificate and trust only the node's dev CA.</summary>
public static class Clients
{
    public static HttpClient With(X509Certificate2? clientCert, string serverCa, Uri baseAddress, Action<SocketsHttpHandler>? tune = null)
    {
        var ca = PemFiles.LoadCertificate(serverCa);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCert is null ? null : [clientCert],
                LocalCertificateSelectionCallback = clientCert is null ? null : (_, _, _, _, _) => clientCert,
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                    cert is X509Certificate2 c && PinnedChain.Check(c, new TrustAnchor(ca), DateTimeOffset.UtcNow, PinnedChain.ServerAuth).Accepted,
            },
        };
        tune?.Invoke(handler);
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public static HttpClient DevPerson(string node, string person, TestNode target) =>
        With(PemFiles.LoadWithKey(Repo.CertsDev(node, person + ".crt"), Repo.CertsDev(node, person + ".key")),
            Repo.CertsDev(target.NodeId, "ca.crt"), target.AgencyUrl);

    public static HttpClient DevNodeClient(string node, TestNode target, bool agencyPort = false) =>
        With(PemFiles.LoadWithKey(Repo.CertsDev(node, "node-client.crt"), Repo.CertsDev(node, "node-client.key")),
            Repo.CertsDev(target.NodeId, "ca.crt"), agencyPort ? target.AgencyUrl : target.FederationUrl);

    /// <summary>A certificate issued in the test by a dev CA (its key is in certs-dev), e.g. expired or with another identity.</summary>
    public static X509Certificate2 IssueFrom(string caNode, CertificateProfile profile, string uri, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var ca = PemFiles.LoadWithKey(Repo.CertsDev(caNode, "ca.crt"), Repo.CertsDev(caNode, "ca.key"));
        return new CertificateIssuer(ca).Issue(profile, $"CN=test {uri}, O=Federation test", uri, notBefore, notAfter);
    }

    /// <summary>A rogue CA with exactly the same subject DN as a real agency CA, and a certificate from it.</summary>
    public static X509Certificate2 IssueFromRogueTwin(string caNode, CertificateProfile profile, string uri)
    {
        var real = PemFiles.LoadCertificate(Repo.CertsDev(caNode, "ca.crt"));
        var now = DateTimeOffset.UtcNow;
        using var rogue = CertificateIssuer.CreateCa(real.Subject, now.AddDays(-1), now.AddYears(1));
        Assert.Equal(real.Subject, rogue.Subject);
        Assert.NotEqual(real.Thumbprint, rogue.Thumbprint);
        return new CertificateIssuer(rogue).Issue(profile, $"CN=rogue {uri}", uri, now.AddDays(-1), now.AddDays(30));
    }

    /// <summary>The body of an action that needs none: the agency API still wants it declared as JSON (CrossSiteGuard).</summary>
    public static HttpContent EmptyJson() => new StringContent("{}", System.Text.Encoding.UTF8, "application/json");

    public static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}

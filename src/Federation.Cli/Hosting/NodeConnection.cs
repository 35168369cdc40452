using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Federation.Core.Pki;

namespace Federation.Cli.Hosting;

/// <summary>
/// A person's mTLS connection to a node's agency API: the person's certificate and key, and the node's server
/// certificate checked against the given agency CA only (serverAuth). Problems come back as one-line errors.
/// </summary>
public sealed class NodeConnection : IDisposable
{
    private readonly HttpClient _http;

    private NodeConnection(HttpClient http) => _http = http;

    public static NodeConnection Open(CliArgs a, TimeProvider time)
    {
        if (!Uri.TryCreate(a.Required("node"), UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
            throw new CliException($"--node: '{a.Required("node")}' must be the https URL of a node's agency port", 2);
        X509Certificate2 person;
        X509Certificate2 ca;
        try
        {
            person = PemFiles.LoadWithKey(a.Required("cert"), a.Required("key"));
            ca = PemFiles.LoadCertificate(a.Required("ca"));
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException or IOException)
        {
            throw new CliException($"--cert/--key/--ca: {e.Message}");
        }
        var anchor = new TrustAnchor(ca);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [person],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => person,
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                    cert is X509Certificate2 c && PinnedChain.Check(c, anchor, time.GetUtcNow(), PinnedChain.ServerAuth).Accepted,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            },
        };
        var baseUrl = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
        return new NodeConnection(new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(10) });
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        try
        {
            return await _http.SendAsync(new HttpRequestMessage(method, path) { Content = content });
        }
        catch (HttpRequestException e)
        {
            // A node that refuses our certificate closes the connection after the handshake: say so plainly.
            throw new CliException($"{_http.BaseAddress}{path}: {e.Message}{(e.InnerException is { } i ? " (" + i.Message + ")" : "")}" +
                " — check --node, and that --cert is a person of that agency and --ca its CA");
        }
    }

    /// <summary>Turns a problem-details answer into the CLI's one-line error.</summary>
    public static async Task<CliException> ProblemAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType is MediaTypeHeaderValue { MediaType: "application/problem+json" })
        {
            using var doc = JsonDocument.Parse(body);
            var r = doc.RootElement;
            var reason = r.TryGetProperty("reason", out var rr) ? rr.GetString() : null;
            var detail = r.TryGetProperty("detail", out var d) ? d.GetString() : r.TryGetProperty("title", out var t) ? t.GetString() : null;
            return new CliException($"{(int)response.StatusCode} {reason}: {detail}");
        }
        return new CliException($"{(int)response.StatusCode} {response.ReasonPhrase}");
    }

    public void Dispose() => _http.Dispose();
}

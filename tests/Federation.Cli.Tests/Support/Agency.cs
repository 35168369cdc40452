using System.Security.Cryptography.X509Certificates;
using Federation.Core.Pki;

namespace Federation.Cli.Tests.Support;

/// <summary>An agency CA made with <c>fedctl certs ca</c> in a temporary directory, issuing through the CSR flow.</summary>
internal sealed class Agency : IDisposable
{
    public TempDirectory Dir { get; } = new();

    public string CaDir => Dir["ca"];

    public Agency() => Fedctl.Ok("certs", "ca", "--subject", "CN=Test Agency CA, O=Test Police, C=NL", "--out", CaDir);

    public X509Certificate2 LoadCa() => PemFiles.LoadCertificate(Path.Combine(CaDir, "ca.crt"));

    /// <summary><c>fedctl certs csr</c> for <paramref name="name"/>: writes <c>name.key</c> and <c>name.csr</c>.</summary>
    public string Request(string name, string subject = "CN=nl-police node, O=Test Police, C=NL")
    {
        Fedctl.Ok("certs", "csr", "--subject", subject, "--out", Dir[name]);
        return Dir[name + ".csr"];
    }

    /// <summary>The whole flow: request, then issue to <c>name.crt</c>; returns the certificate path.</summary>
    public string RequestAndIssue(string name, string profile = "node-client", string uri = "urn:federation:node:nl-police")
    {
        var csr = Request(name);
        Fedctl.Ok("certs", "issue", "--ca", CaDir, "--csr", csr, "--profile", profile, "--uri", uri, "--out", Dir[name + ".crt"]);
        return Dir[name + ".crt"];
    }

    public void Dispose() => Dir.Dispose();
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Cli.Tests.Support;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Pki;

namespace Federation.Cli.Tests.Certificates;

/// <summary><c>fedctl certs ca</c>, <c>csr</c> and <c>issue</c>: a real agency's CSR flow.</summary>
public sealed class CertsIssueTests : IDisposable
{
    private readonly Agency _agency = new();

    public void Dispose() => _agency.Dispose();

    [Fact]
    public void Ca_writes_a_ca_certificate_and_its_key()
    {
        using var ca = PemFiles.LoadWithKey(Path.Combine(_agency.CaDir, "ca.crt"), Path.Combine(_agency.CaDir, "ca.key"));

        Assert.Equal("CN=Test Agency CA, O=Test Police, C=NL", ca.Subject);
        Assert.True(Assert.Single(ca.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        Assert.False(DevPki.IsDevelopmentCa(ca));
    }

    [Fact]
    public void Csr_writes_a_key_and_a_request_signed_with_it()
    {
        var csr = _agency.Request("holder", "CN=holder, O=Test Police");

        var req = CertificateRequest.LoadSigningRequestPem(File.ReadAllText(csr), HashAlgorithmName.SHA256);
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(_agency.Dir["holder.key"]));
        Assert.Equal("CN=holder, O=Test Police", req.SubjectName.Name);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), req.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Theory]
    [InlineData("node-tls", "urn:federation:node:nl-police", FederationOids.ServerAuth, X509KeyUsageFlags.DigitalSignature)]
    [InlineData("node-client", "urn:federation:node:nl-police", FederationOids.ClientAuth, X509KeyUsageFlags.DigitalSignature)]
    [InlineData("node-signing", "urn:federation:node:nl-police", null, X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation)]
    [InlineData("person", "urn:federation:person:nl-police:officer", FederationOids.ClientAuth, X509KeyUsageFlags.DigitalSignature)]
    public void Issues_the_requested_profile_and_uri_chained_to_the_ca(string profile, string uri, string? eku, X509KeyUsageFlags keyUsage)
    {
        var csr = _agency.Request("holder");

        var run = Fedctl.Ok("certs", "issue", "--ca", _agency.CaDir, "--csr", csr, "--profile", profile, "--uri", uri, "--out", _agency.Dir["holder.crt"], "--days", "30");

        // Loading with the holder's key proves the certificate is for the requested key.
        using var cert = PemFiles.LoadWithKey(_agency.Dir["holder.crt"], _agency.Dir["holder.key"]);
        using var ca = _agency.LoadCa();
        Assert.Equal("CN=nl-police node, O=Test Police, C=NL", cert.Subject);
        Assert.Equal([uri], CertificateNames.UriSans(cert));
        Assert.Equal(keyUsage, Assert.Single(cert.Extensions.OfType<X509KeyUsageExtension>()).KeyUsages);
        Assert.Equal(eku is null ? [] : [eku], Ekus(cert));
        Assert.Equal(Fedctl.Now.AddDays(30), new DateTimeOffset(cert.NotAfter.ToUniversalTime()));
        var check = PinnedChain.Check(cert, new TrustAnchor(ca), Fedctl.Now, eku);
        Assert.True(check.Accepted, check.ToString());
        Assert.Contains($"({profile}, {uri})", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Ignores_the_extensions_in_the_request()
    {
        // The holder asks to be a CA for code signing and another agency's node; the CA operator decides instead.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=nl-police node client, O=Test Police", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(FederationOids.ServerAuth), new Oid("1.3.6.1.5.5.7.3.3")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri("urn:federation:node:kr-knpa"));
        san.AddDnsName("evil.example");
        req.CertificateExtensions.Add(san.Build());
        File.WriteAllText(_agency.Dir["greedy.csr"], req.CreateSigningRequestPem());

        Fedctl.Ok("certs", "issue", "--ca", _agency.CaDir, "--csr", _agency.Dir["greedy.csr"], "--profile", "node-client",
            "--uri", "urn:federation:node:nl-police", "--out", _agency.Dir["greedy.crt"]);

        using var cert = PemFiles.LoadCertificate(_agency.Dir["greedy.crt"]);
        Assert.False(Assert.Single(cert.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, Assert.Single(cert.Extensions.OfType<X509KeyUsageExtension>()).KeyUsages);
        Assert.Equal([FederationOids.ClientAuth], Ekus(cert));
        var names = Assert.Single(cert.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Empty(names.EnumerateDnsNames());
        Assert.Equal(["urn:federation:node:nl-police"], CertificateNames.UriSans(cert));
        Assert.Equal(NodeId.Parse("nl-police"), NodeId.FromCertificate(cert));
    }

    [Theory]
    [InlineData("person", "urn:federation:node:nl-police")]
    [InlineData("node-tls", "urn:federation:person:nl-police:officer")]
    [InlineData("node-client", "urn:federation:node:NL_police")]
    [InlineData("node-signing", "https://nl-police.example/")]
    public void Refuses_a_uri_that_does_not_fit_the_profile(string profile, string uri)
    {
        var csr = _agency.Request("holder");

        var run = Fedctl.Run("certs", "issue", "--ca", _agency.CaDir, "--csr", csr, "--profile", profile, "--uri", uri, "--out", _agency.Dir["holder.crt"]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"--uri: '{uri}' does not fit profile {profile}", run.OneLineError(), StringComparison.Ordinal);
        Assert.False(File.Exists(_agency.Dir["holder.crt"]));
    }

    [Fact]
    public void Refuses_an_unknown_profile()
    {
        var csr = _agency.Request("holder");

        var run = Fedctl.Run("certs", "issue", "--ca", _agency.CaDir, "--csr", csr, "--profile", "server", "--uri", "urn:federation:node:nl-police", "--out", _agency.Dir["holder.crt"]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("--profile: unknown profile 'server'", run.OneLineError(), StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_request_with_one_byte_of_its_signature_changed()
    {
        // The CSR's signature proves the holder has the key; the last DER byte is the last byte of that signature.
        var csr = _agency.Request("holder");
        var pem = File.ReadAllText(csr);
        var der = Convert.FromBase64String(pem[PemEncoding.Find(pem).Base64Data]);
        der[^1] ^= 0x01;
        File.WriteAllText(_agency.Dir["tampered.csr"], new string(PemEncoding.Write("CERTIFICATE REQUEST", der)));

        var run = Fedctl.Run("certs", "issue", "--ca", _agency.CaDir, "--csr", _agency.Dir["tampered.csr"], "--profile", "node-client",
            "--uri", "urn:federation:node:nl-police", "--out", _agency.Dir["holder.crt"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the request is not valid", run.OneLineError(), StringComparison.Ordinal);
        Assert.False(File.Exists(_agency.Dir["holder.crt"]));
    }

    [Fact]
    public void Refuses_a_ca_directory_without_its_key()
    {
        var csr = _agency.Request("holder");
        File.Delete(Path.Combine(_agency.CaDir, "ca.key"));

        var run = Fedctl.Run("certs", "issue", "--ca", _agency.CaDir, "--csr", csr, "--profile", "node-client", "--uri", "urn:federation:node:nl-police", "--out", _agency.Dir["holder.crt"]);

        Assert.Equal(1, run.ExitCode);
        Assert.EndsWith("must hold ca.crt and ca.key", run.OneLineError(), StringComparison.Ordinal);
    }

    private static string[] Ekus(X509Certificate2 cert) =>
        cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>()).Select(o => o.Value!).ToArray();
}

using System.Net;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Pki;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Pki;

/// <summary>The layout and profiles that certs-dev/README.md documents, checked on a fresh generation and on the
/// committed folder.</summary>
public sealed class DevPkiTests : IDisposable
{
    private static readonly string[] Names = ["ca", "node-tls", "node-client", "node-signing", "officer", "supervisor", "operator", "auditor"];

    private readonly string _out = Some.TempDirectory();

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void Writes_one_folder_per_node_with_the_documented_files()
    {
        DevPki.Generate(_out, [Some.Kr, Some.Fr], Some.Now);

        Assert.Equal(["fr-ofmin", "kr-knpa"], Directory.GetDirectories(_out).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var expected = Names.SelectMany(n => new[] { n + ".crt", n + ".key" }).Order(StringComparer.Ordinal);
        Assert.Equal(expected, Directory.GetFiles(Path.Combine(_out, "kr-knpa")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "officer", "supervisor", "operator", "auditor" }, DevPki.People);
    }

    [Fact]
    public void Private_keys_are_readable_by_the_owner_only()
    {
        if (OperatingSystem.IsWindows()) return; // no Unix file modes there
        DevPki.Generate(_out, [Some.Kr], Some.Now);

        foreach (var name in Names)
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_out, "kr-knpa", name + ".key")));
    }

    [Fact]
    public void Generated_certificates_follow_the_documented_profiles()
    {
        DevPki.Generate(_out, [Some.Kr], Some.Now);

        AssertLayout(Path.Combine(_out, "kr-knpa"), Some.Kr, Some.Now);
    }

    [Fact]
    public void The_ca_is_back_dated_a_year_and_marked_for_development()
    {
        DevPki.Generate(_out, [Some.Kr], Some.Now);

        using var ca = PemFiles.LoadCertificate(Path.Combine(_out, "kr-knpa", "ca.crt"));
        Assert.True(DevPki.IsDevelopmentCa(ca));
        Assert.Contains("OU=DEVELOPMENT ONLY - keys are public", ca.Subject, StringComparison.Ordinal);
        Assert.Equal(Some.Now.AddYears(-1), new DateTimeOffset(ca.NotBefore.ToUniversalTime()));
    }

    [Fact]
    public void Each_agency_gets_its_own_ca()
    {
        DevPki.Generate(_out, [Some.Kr, Some.Fr], Some.Now);
        using var krCa = PemFiles.LoadCertificate(Path.Combine(_out, "kr-knpa", "ca.crt"));
        using var frCa = PemFiles.LoadCertificate(Path.Combine(_out, "fr-ofmin", "ca.crt"));
        using var frClient = PemFiles.LoadCertificate(Path.Combine(_out, "fr-ofmin", "node-client.crt"));

        Assert.False(DevPki.IsDevelopmentCa(frClient));
        Assert.Equal(RejectionReasons.ChainUntrusted, PinnedChain.Check(frClient, new TrustAnchor(krCa), Some.Now, PinnedChain.ClientAuth).Reason);
        Assert.True(PinnedChain.Check(frClient, new TrustAnchor(frCa), Some.Now, PinnedChain.ClientAuth).Accepted);
    }

    [Theory]
    [InlineData("kr-knpa")]
    [InlineData("fr-ofmin")]
    [InlineData("nl-police")]
    public void The_committed_dev_certificates_follow_the_documented_layout(string node)
    {
        var dir = Path.GetDirectoryName(Repo.CertsDev(node, "ca.crt"))!;
        using var tls = PemFiles.LoadCertificate(Path.Combine(dir, "node-tls.crt"));
        // Checked inside their validity, so the test does not depend on the day it runs.
        var at = new DateTimeOffset(tls.NotBefore.ToUniversalTime()).AddDays(1);

        AssertLayout(dir, NodeId.Parse(node), at);
    }

    private static void AssertLayout(string dir, NodeId node, DateTimeOffset at)
    {
        using var ca = PemFiles.LoadWithKey(Path.Combine(dir, "ca.crt"), Path.Combine(dir, "ca.key"));
        Assert.True(DevPki.IsDevelopmentCa(ca));
        var bc = Assert.Single(ca.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(bc.CertificateAuthority);
        Assert.True(bc.HasPathLengthConstraint);
        Assert.Equal(0, bc.PathLengthConstraint);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, KeyUsage(ca));
        Assert.Equal("ECC", ca.PublicKey.Oid.FriendlyName);
        var anchor = new TrustAnchor(ca);

        using var tls = Load(dir, "node-tls");
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, KeyUsage(tls));
        Assert.Equal([FederationOids.ServerAuth], Ekus(tls));
        var san = Assert.Single(tls.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(["localhost"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], san.EnumerateIPAddresses());
        Assert.Equal([node.ToUri()], CertificateNames.UriSans(tls));
        AssertAccepted(PinnedChain.Check(tls, anchor, at, PinnedChain.ServerAuth));

        using var client = Load(dir, "node-client");
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, KeyUsage(client));
        Assert.Equal([FederationOids.ClientAuth], Ekus(client));
        Assert.Equal([node.ToUri()], CertificateNames.UriSans(client));
        AssertAccepted(PinnedChain.Check(client, anchor, at, PinnedChain.ClientAuth));

        using var signing = Load(dir, "node-signing");
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, KeyUsage(signing));
        Assert.Empty(signing.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal([node.ToUri()], CertificateNames.UriSans(signing));
        AssertAccepted(PinnedChain.Check(signing, anchor, at, requiredEku: null));

        foreach (var person in DevPki.People)
        {
            using var cert = Load(dir, person);
            Assert.Equal(X509KeyUsageFlags.DigitalSignature, KeyUsage(cert));
            Assert.Equal([FederationOids.ClientAuth], Ekus(cert));
            Assert.Equal([PersonId.ToUri(node, person)], CertificateNames.UriSans(cert));
            Assert.Null(NodeId.FromCertificate(cert));
            AssertAccepted(PinnedChain.Check(cert, anchor, at, PinnedChain.ClientAuth));
        }
    }

    // Loading with the key proves the .key file belongs to the .crt.
    private static X509Certificate2 Load(string dir, string name)
    {
        var cert = PemFiles.LoadWithKey(Path.Combine(dir, name + ".crt"), Path.Combine(dir, name + ".key"));
        Assert.True(cert.HasPrivateKey, name);
        return cert;
    }

    private static void AssertAccepted(CertificateCheck check) => Assert.True(check.Accepted, check.ToString());

    private static X509KeyUsageFlags KeyUsage(X509Certificate2 cert) =>
        Assert.Single(cert.Extensions.OfType<X509KeyUsageExtension>()).KeyUsages;

    private static string[] Ekus(X509Certificate2 cert) =>
        Assert.Single(cert.Extensions.OfType<X509EnhancedKeyUsageExtension>()).EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value!).ToArray();
}

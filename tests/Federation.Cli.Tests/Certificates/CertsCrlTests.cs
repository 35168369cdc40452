using Federation.Cli.Tests.Support;
using Federation.Core.Pki;

namespace Federation.Cli.Tests.Certificates;

public sealed class CertsCrlTests : IDisposable
{
    private readonly Agency _agency = new();

    public void Dispose() => _agency.Dispose();

    [Fact]
    public void Writes_a_crl_signed_by_the_ca_that_lists_the_revoked_serials()
    {
        var old = _agency.RequestAndIssue("old");
        var lost = _agency.RequestAndIssue("lost");
        var current = _agency.RequestAndIssue("current");

        var run = Fedctl.Ok("certs", "crl", "--ca", _agency.CaDir, "--revoke", $"{old},{lost}", "--out", _agency.Dir["ca.crl"], "--days", "3");

        using var ca = _agency.LoadCa();
        var crl = RevocationList.Load(File.ReadAllBytes(_agency.Dir["ca.crl"]), ca);
        Assert.Equal(2, crl.Count);
        using (var c = PemFiles.LoadCertificate(old)) Assert.True(crl.IsRevoked(c));
        using (var c = PemFiles.LoadCertificate(lost)) Assert.True(crl.IsRevoked(c));
        using (var c = PemFiles.LoadCertificate(current)) Assert.False(crl.IsRevoked(c));
        Assert.Equal(Fedctl.Now, crl.ThisUpdate);
        Assert.Equal(Fedctl.Now.AddDays(3), crl.NextUpdate);
        Assert.Contains("2 certificate(s)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_crl_makes_the_pinned_chain_refuse_the_revoked_certificate()
    {
        var revoked = _agency.RequestAndIssue("revoked");
        Fedctl.Ok("certs", "crl", "--ca", _agency.CaDir, "--revoke", revoked, "--out", _agency.Dir["ca.crl"]);

        using var ca = _agency.LoadCa();
        using var cert = PemFiles.LoadCertificate(revoked);
        var anchor = new TrustAnchor(ca, RevocationList.Load(File.ReadAllBytes(_agency.Dir["ca.crl"]), ca));

        Assert.Equal(RejectionReasons.Revoked, PinnedChain.Check(cert, anchor, Fedctl.Now, PinnedChain.ClientAuth).Reason);
        Assert.True(PinnedChain.Check(cert, new TrustAnchor(ca), Fedctl.Now, PinnedChain.ClientAuth).Accepted);
    }

    [Fact]
    public void A_crl_from_another_ca_does_not_load()
    {
        var revoked = _agency.RequestAndIssue("revoked");
        Fedctl.Ok("certs", "crl", "--ca", _agency.CaDir, "--revoke", revoked, "--out", _agency.Dir["ca.crl"]);
        using var other = new Agency(); // same subject DN, another key: the rogue-CA case

        using var otherCa = other.LoadCa();
        var e = Assert.Throws<System.Security.Cryptography.CryptographicException>(() => RevocationList.Load(File.ReadAllBytes(_agency.Dir["ca.crl"]), otherCa));

        Assert.Contains("signature does not verify", e.Message, StringComparison.Ordinal);
    }
}

using Federation.Core.Pki;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Pki;

public sealed class PinnedChainTests : IDisposable
{
    private readonly TestCa _ca = new();

    public void Dispose() => _ca.Dispose();

    [Fact]
    public void Accepts_a_client_certificate_issued_by_the_pinned_ca()
    {
        using var leaf = _ca.Issue(CertificateProfile.NodeClient, Some.Kr);

        var check = PinnedChain.Check(leaf, _ca.Anchor(), Some.Now, PinnedChain.ClientAuth);

        Assert.True(check.Accepted, check.ToString());
        Assert.Null(check.Reason);
    }

    [Fact]
    public void Accepts_a_server_certificate_when_server_auth_is_required()
    {
        using var leaf = _ca.Issue(CertificateProfile.NodeTls, Some.Kr);

        var check = PinnedChain.Check(leaf, _ca.Anchor(), Some.Now, PinnedChain.ServerAuth);

        Assert.True(check.Accepted, check.ToString());
    }

    [Fact]
    public void Refuses_a_certificate_from_a_rogue_ca_with_an_identical_subject()
    {
        using var rogue = new TestCa(TestCa.DefaultSubject);
        using var leaf = rogue.Issue(CertificateProfile.NodeClient, Some.Kr);
        Assert.Equal(_ca.Certificate.Subject, leaf.Issuer);

        var check = PinnedChain.Check(leaf, _ca.Anchor(), Some.Now, PinnedChain.ClientAuth);

        Assert.Equal(RejectionReasons.ChainUntrusted, check.Reason);
    }

    [Fact]
    public void Refuses_a_self_signed_certificate_that_names_the_node()
    {
        using var self = SanCertificates.WithUris(Some.Kr.ToUri());

        var check = PinnedChain.Check(self, _ca.Anchor(), Some.Now, requiredEku: null);

        Assert.Equal(RejectionReasons.ChainUntrusted, check.Reason);
    }

    [Fact]
    public void Refuses_an_expired_certificate()
    {
        using var leaf = _ca.Issue(CertificateProfile.NodeClient, Some.Kr.ToUri(), Some.Now.AddDays(-30), Some.Now.AddSeconds(-1));

        var check = PinnedChain.Check(leaf, _ca.Anchor(), Some.Now, PinnedChain.ClientAuth);

        Assert.Equal(RejectionReasons.NotTimeValid, check.Reason);
    }

    [Fact]
    public void Refuses_a_certificate_that_is_not_yet_valid()
    {
        using var leaf = _ca.Issue(CertificateProfile.NodeClient, Some.Kr.ToUri(), Some.Now.AddMinutes(1), Some.Now.AddDays(30));

        var check = PinnedChain.Check(leaf, _ca.Anchor(), Some.Now, PinnedChain.ClientAuth);

        Assert.Equal(RejectionReasons.NotTimeValid, check.Reason);
    }

    [Fact]
    public void Checks_validity_at_the_given_time_not_the_machine_clock()
    {
        using var leaf = _ca.Issue(CertificateProfile.NodeClient, Some.Kr);

        Assert.True(PinnedChain.Check(leaf, _ca.Anchor(), Some.Now, PinnedChain.ClientAuth).Accepted);
        Assert.Equal(RejectionReasons.NotTimeValid, PinnedChain.Check(leaf, _ca.Anchor(), Some.Now.AddDays(400), PinnedChain.ClientAuth).Reason);
    }

    [Fact]
    public void Refuses_a_server_only_certificate_when_client_auth_is_required()
    {
        using var leaf = _ca.Issue(CertificateProfile.NodeTls, Some.Kr);

        var check = PinnedChain.Check(leaf, _ca.Anchor(), Some.Now, PinnedChain.ClientAuth);

        Assert.Equal(RejectionReasons.WrongUsage, check.Reason);
    }

    [Fact]
    public void Refuses_a_certificate_without_eku_when_an_eku_is_required()
    {
        // The platform treats a missing EKU as "any usage"; the pinned check demands it explicitly.
        using var leaf = _ca.Issue(CertificateProfile.NodeSigning, Some.Kr);
        Assert.True(PinnedChain.Check(leaf, _ca.Anchor(), Some.Now, requiredEku: null).Accepted);

        var check = PinnedChain.Check(leaf, _ca.Anchor(), Some.Now, PinnedChain.ClientAuth);

        Assert.Equal(RejectionReasons.WrongUsage, check.Reason);
        Assert.Contains("no extended key usage 1.3.6.1.5.5.7.3.2", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_certificate_on_the_crl()
    {
        using var revoked = _ca.Issue(CertificateProfile.NodeClient, Some.Kr);
        using var other = _ca.Issue(CertificateProfile.NodeClient, Some.Kr);
        var anchor = _ca.Anchor(_ca.Crl([revoked]));

        var check = PinnedChain.Check(revoked, anchor, Some.Now, PinnedChain.ClientAuth);

        Assert.Equal(RejectionReasons.Revoked, check.Reason);
        Assert.Contains(revoked.SerialNumber, check.Detail, StringComparison.Ordinal);
        Assert.True(PinnedChain.Check(other, anchor, Some.Now, PinnedChain.ClientAuth).Accepted);
    }

    [Fact]
    public void Refuses_every_certificate_once_the_crl_is_past_its_next_update()
    {
        using var leaf = _ca.Issue(CertificateProfile.NodeClient, Some.Kr.ToUri(), Some.Now.AddDays(-30), Some.Now.AddDays(30));
        var anchor = _ca.Anchor(_ca.Crl([], Some.Now.AddDays(-8), Some.Now.AddDays(-1)));

        var check = PinnedChain.Check(leaf, anchor, Some.Now, PinnedChain.ClientAuth);

        Assert.Equal(RejectionReasons.CrlStale, check.Reason);
        Assert.True(PinnedChain.Check(leaf, anchor, Some.Now.AddDays(-2), PinnedChain.ClientAuth).Accepted);
    }

    [Fact]
    public void A_crl_without_next_update_goes_stale_after_the_configured_max_age()
    {
        using var leaf = _ca.Issue(CertificateProfile.NodeClient, Some.Kr.ToUri(), Some.Now.AddDays(-30), Some.Now.AddDays(30));
        var crl = RevocationList.Load(_ca.CrlWithoutNextUpdate([], Some.Now), _ca.Certificate);
        var anchor = new TrustAnchor(_ca.Certificate, crl) { CrlMaxAge = TimeSpan.FromDays(2) };

        Assert.Null(crl.NextUpdate);
        Assert.True(PinnedChain.Check(leaf, anchor, Some.Now.AddDays(2), PinnedChain.ClientAuth).Accepted);
        var check = PinnedChain.Check(leaf, anchor, Some.Now.AddDays(2).AddSeconds(1), PinnedChain.ClientAuth);
        Assert.Equal(RejectionReasons.CrlStale, check.Reason);
        Assert.Contains("names no nextUpdate", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_crl_without_next_update_goes_stale_after_seven_days_by_default()
    {
        using var leaf = _ca.Issue(CertificateProfile.NodeClient, Some.Kr.ToUri(), Some.Now.AddDays(-30), Some.Now.AddDays(30));
        var anchor = new TrustAnchor(_ca.Certificate, RevocationList.Load(_ca.CrlWithoutNextUpdate([], Some.Now), _ca.Certificate));

        Assert.True(PinnedChain.Check(leaf, anchor, Some.Now.AddDays(7), PinnedChain.ClientAuth).Accepted);
        Assert.Equal(RejectionReasons.CrlStale, PinnedChain.Check(leaf, anchor, Some.Now.AddDays(7).AddMinutes(1), PinnedChain.ClientAuth).Reason);
    }
}

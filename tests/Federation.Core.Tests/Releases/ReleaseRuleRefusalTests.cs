using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using Federation.Core.Envelopes;
using Federation.Core.Releases;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Releases;

/// <summary>Correctly signed releases that break the list rules against the last accepted state.</summary>
public class ReleaseRuleRefusalTests
{
    [Fact]
    public async Task Accepts_the_next_release_in_the_chain()
    {
        var (v1, s1) = await Signing.DevRelease();
        var accepted = await Signing.Verify(v1, s1);
        var (v2, s2) = await Signing.DevRelease(SomeReleases.Header(version: 2, previous: ContentDigest.Of(v1)));

        var check = await Signing.Verify(v2, s2, last: ReleaseChainState.Of(accepted.Release!));

        Assert.True(check.Accepted, check.ToString());
    }

    [Fact]
    public async Task Refuses_a_version_not_greater_than_the_last_accepted()
    {
        var (v1, _) = await Signing.DevRelease();
        var (v2, s2) = await Signing.DevRelease(SomeReleases.Header(version: 2, previous: ContentDigest.Of(v1)), entries: 30);
        var last = new ReleaseChainState(SomeReleases.Header().List, TestPki.Kr, new ReleaseVersion(2), ContentDigest.Of(v1));

        var check = await Signing.Verify(v2, s2, last: last);

        Assert.Equal(ReleaseRejections.VersionNotIncreasing, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_previous_digest_that_is_not_the_last_accepted_release()
    {
        var (v1, s1) = await Signing.DevRelease();
        var accepted = await Signing.Verify(v1, s1);
        var (v2, s2) = await Signing.DevRelease(SomeReleases.Header(version: 2, previous: ContentDigest.Of("another v1"u8)));

        var check = await Signing.Verify(v2, s2, last: ReleaseChainState.Of(accepted.Release!));

        Assert.Equal(ReleaseRejections.PreviousDigestMismatch, check.Reason);
    }

    [Fact]
    public async Task Refuses_an_expired_release()
    {
        var (release, signature) = await Signing.DevRelease(SomeReleases.Header(lifetime: TimeSpan.FromDays(7)));
        var check = await Signing.Verify(release, signature, now: TestPki.DevNow.AddDays(7).AddSeconds(1));
        Assert.Equal(ReleaseRejections.Expired, check.Reason);
    }

    [Fact]
    public async Task An_expired_release_that_continues_the_chain_is_refused_as_expired_only()
    {
        var (v1, s1) = await Signing.DevRelease();
        var accepted = await Signing.Verify(v1, s1);
        var (v2, s2) = await Signing.DevRelease(SomeReleases.Header(version: 2, previous: ContentDigest.Of(v1), lifetime: TimeSpan.FromDays(7)));

        var check = await Signing.Verify(v2, s2, last: ReleaseChainState.Of(accepted.Release!), now: TestPki.DevNow.AddDays(8));

        Assert.Equal(ReleaseRejections.Expired, check.Reason);
        Assert.True(check.ExpiredOnly);
        Assert.Equal(2, check.Release!.Header.Version.Value);
        Assert.NotNull(check.Signer);
    }

    [Fact]
    public async Task An_expired_release_that_breaks_the_chain_is_refused_for_the_chain()
    {
        var (v1, s1) = await Signing.DevRelease();
        var accepted = await Signing.Verify(v1, s1);
        var (v2, s2) = await Signing.DevRelease(SomeReleases.Header(version: 2, previous: ContentDigest.Of("another v1"u8), lifetime: TimeSpan.FromDays(7)));

        var check = await Signing.Verify(v2, s2, last: ReleaseChainState.Of(accepted.Release!), now: TestPki.DevNow.AddDays(8));

        Assert.Equal(ReleaseRejections.PreviousDigestMismatch, check.Reason);
        Assert.False(check.ExpiredOnly);
    }

    [Fact]
    public async Task Refuses_a_release_that_names_another_origin_than_its_sender()
    {
        // Signed by kr-knpa's own key, but claiming to be fr-ofmin's list.
        var (release, signature) = await Signing.DevRelease(SomeReleases.Header(origin: TestPki.Fr));
        var check = await Signing.Verify(release, signature);
        Assert.Equal(ReleaseRejections.OriginMismatch, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_release_of_another_list_than_the_accepted_state()
    {
        var (v1, s1) = await Signing.DevRelease();
        var accepted = await Signing.Verify(v1, s1);
        var (other, so) = await Signing.DevRelease(SomeReleases.Header(list: "csam-2026", version: 2, previous: ContentDigest.Of(v1)));

        var check = await Signing.Verify(other, so, last: ReleaseChainState.Of(accepted.Release!));

        Assert.Equal(ReleaseRejections.ListMismatch, check.Reason);
    }

    [Theory]
    [InlineData("extra certificate")]
    [InlineData("unsigned attribute")]
    public async Task Refuses_the_same_content_wrapped_in_another_CMS_blob_as_a_duplicate(string mutation)
    {
        var (release, signature) = await Signing.DevRelease();
        var accepted = await Signing.Verify(release, signature);
        var cms = new SignedCms(new ContentInfo(new Oid(FederationOids.HashListRelease), release), detached: true);
        cms.Decode(signature);
        if (mutation == "extra certificate") cms.AddCertificate(TestPki.DevCa(TestPki.Fr));
        else cms.SignerInfos[0].AddUnsignedAttribute(new AsnEncodedData(new Oid("1.2.840.113549.1.9.2"), [0x16, 0x02, 0x68, 0x69])); // unstructuredName "hi"
        var rewrapped = cms.Encode();
        Assert.NotEqual(SHA256.HashData(signature), SHA256.HashData(rewrapped));
        Assert.True((await Signing.Verify(release, rewrapped)).Accepted, "the re-wrapped signature is still valid on its own");

        var check = await Signing.Verify(release, rewrapped, last: ReleaseChainState.Of(accepted.Release!));

        Assert.Equal(ReleaseRejections.Duplicate, check.Reason);
    }
}

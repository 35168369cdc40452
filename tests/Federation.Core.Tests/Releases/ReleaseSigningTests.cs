using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using Federation.Core.Envelopes;
using Federation.Core.Releases;
using Federation.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Core.Tests.Releases;

public class ReleaseSigningTests
{
    [Fact]
    public async Task A_packed_signed_release_verifies_and_reads_back()
    {
        var changes = Some.Changes(200);
        var release = await Some.Release(Some.Header(), changes);
        using var signer = TestPki.DevSigning(TestPki.Kr);
        var signature = Signing.Sign(release, signer);

        var check = await Signing.Verify(release, signature);

        Assert.True(check.Accepted, check.ToString());
        Assert.Equal(Some.Header(), check.Release!.Header);
        Assert.Equal(ContentDigest.Of(release), check.Release.Digest);
        Assert.Equal(changes.Count(c => !c.IsWithdrawal), check.Release.Added);
        Assert.Equal(changes.Count(c => c.IsWithdrawal), check.Release.Withdrawn);
        Assert.Equal(release.Length, check.Release.Length);
        Assert.Equal(signer.Thumbprint, check.Signer!.Thumbprint);
        Assert.Equal(TestPki.DevNow, check.SigningTime);
        Assert.Equal(changes.OrderBy(c => c.Value).ToList(), await Some.ReadAll(release));
    }

    [Fact]
    public async Task Our_signature_is_accepted_by_SignedCms_with_the_release_content_type_and_three_signed_attributes()
    {
        var (release, signature) = await Signing.DevRelease();

        var cms = new SignedCms(new ContentInfo(new Oid(FederationOids.HashListRelease), release), detached: true);
        cms.Decode(signature);
        cms.CheckSignature(verifySignatureOnly: true);

        Assert.Equal(FederationOids.HashListRelease, cms.ContentInfo.ContentType.Value);
        Assert.Single(cms.SignerInfos);
        var signerInfo = cms.SignerInfos[0];
        Assert.Equal(FederationOids.Sha256, signerInfo.DigestAlgorithm.Value);
        Assert.Equal(["1.2.840.113549.1.9.3", "1.2.840.113549.1.9.4", "1.2.840.113549.1.9.5"],
            signerInfo.SignedAttributes.Cast<CryptographicAttributeObject>().Select(a => a.Oid.Value).Order());
        Assert.Single(cms.Certificates);
    }

    [Fact]
    public async Task A_signature_made_by_SignedCms_is_accepted_by_our_verifier()
    {
        var release = await Some.Release(Some.Header(), Some.Changes(20));
        using var cert = TestPki.DevSigning(TestPki.Kr);
        var signature = new EnvelopeSigner(cert, new FakeTimeProvider(TestPki.DevNow)).SignDetached(FederationOids.HashListRelease, release);

        var check = await Signing.Verify(release, signature);

        Assert.True(check.Accepted, check.ToString());
    }

    [Fact]
    public async Task Signing_a_stream_gives_a_signature_that_verifies()
    {
        var release = await Some.Release(Some.Header(), Some.Changes(20));
        using var cert = TestPki.DevSigning(TestPki.Kr);
        var signature = await new EnvelopeSigner(cert, new FakeTimeProvider(TestPki.DevNow)).SignDetachedAsync(FederationOids.HashListRelease, new MemoryStream(release));

        Assert.True((await Signing.Verify(release, signature)).Accepted);
    }

    [OpenSslFact]
    public async Task OpenSSL_accepts_the_signature_and_rejects_it_after_a_one_byte_change()
    {
        var (release, signature) = await Signing.DevRelease();
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("release.bin"), release);
        File.WriteAllBytes(dir.File("release.p7s"), signature);
        string[] verify = ["cms", "-verify", "-binary", "-inform", "DER", "-in", dir.File("release.p7s"), "-content", dir.File("release.bin"),
            "-CAfile", TestPki.DevPath(TestPki.Kr, "ca.crt"), "-purpose", "any", "-out", "/dev/null"];

        var accepted = OpenSsl.Run(verify);
        Assert.True(accepted.ExitCode == 0, accepted.Output);
        Assert.Contains("Verification successful", accepted.Output);

        release[release.Length / 2] ^= 0x01;
        File.WriteAllBytes(dir.File("release.bin"), release);
        var rejected = OpenSsl.Run(verify);
        Assert.NotEqual(0, rejected.ExitCode);
        Assert.Contains("Verification failure", rejected.Output);
    }

    [OpenSslFact]
    public async Task A_signature_made_by_OpenSSL_is_accepted_by_our_verifier()
    {
        var release = await Some.Release(Some.Header(), Some.Changes(20));
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("release.bin"), release);
        var signed = OpenSsl.Run("cms", "-sign", "-binary", "-in", dir.File("release.bin"), "-outform", "DER", "-out", dir.File("release.p7s"),
            "-signer", TestPki.DevPath(TestPki.Kr, "node-signing.crt"), "-inkey", TestPki.DevPath(TestPki.Kr, "node-signing.key"),
            "-md", "sha256", "-econtent_type", FederationOids.HashListRelease);
        Assert.True(signed.ExitCode == 0, signed.Output);

        // OpenSSL signs at the real time; verify then, inside the dev certificate's validity.
        var check = await Signing.Verify(release, File.ReadAllBytes(dir.File("release.p7s")), now: DateTimeOffset.UtcNow);

        Assert.True(check.Accepted, check.ToString());
    }
}

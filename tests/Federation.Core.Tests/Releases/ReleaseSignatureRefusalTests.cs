using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Envelopes;
using Federation.Core.Pki;
using Federation.Core.Releases;
using Federation.Tests.Support;

namespace Federation.Core.Tests.Releases;

/// <summary>Releases whose signature or signer must be refused, each for its own reason.</summary>
public class ReleaseSignatureRefusalTests
{
    private static readonly DateTimeOffset Now = TestPki.DevNow;

    [Fact]
    public async Task Refuses_a_release_verified_against_another_agency_CA()
    {
        var (release, signature) = await Signing.DevRelease();
        var check = await Signing.Verify(release, signature, ca: TestPki.DevCa(TestPki.Fr));
        Assert.Equal(RejectionReasons.ChainUntrusted, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_signer_from_a_rogue_CA_with_the_same_name()
    {
        var real = TestPki.DevCa(TestPki.Kr);
        using var rogueCa = CertificateIssuer.CreateCa(real.Subject, Now.AddDays(-10), Now.AddYears(1));
        Assert.Equal(real.SubjectName.RawData, rogueCa.SubjectName.RawData);
        using var rogueSigner = TestPki.IssueSigning(rogueCa, TestPki.Kr, Now.AddDays(-1), Now.AddDays(100));
        var release = await Some.Release(Some.Header(), Some.Changes(5));

        var check = await Signing.Verify(release, Signing.Sign(release, rogueSigner));

        Assert.Equal(RejectionReasons.ChainUntrusted, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_signer_whose_URI_names_another_node()
    {
        using var ca = TestPki.DevCaWithKey(TestPki.Kr);
        using var signer = TestPki.IssueSigning(ca, TestPki.Fr, Now.AddDays(-1), Now.AddDays(100)); // kr's CA, fr's name
        var release = await Some.Release(Some.Header(), Some.Changes(5));

        var check = await Signing.Verify(release, Signing.Sign(release, signer));

        Assert.Equal(EnvelopeRejections.SignerNotOrigin, check.Reason);
        Assert.Contains(TestPki.Fr.ToUri(), check.Detail);
    }

    [Fact]
    public async Task Refuses_an_expired_signer()
    {
        using var ca = TestPki.DevCaWithKey(TestPki.Kr);
        using var signer = TestPki.IssueSigning(ca, TestPki.Kr, Now.AddDays(-10), Now.AddDays(-1));
        var release = await Some.Release(Some.Header(created: Now.AddDays(-5)), Some.Changes(5));

        var check = await Signing.Verify(release, Signing.Sign(release, signer, at: Now.AddDays(-5)), now: Now);

        Assert.Equal(RejectionReasons.NotTimeValid, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_signing_time_before_the_signer_certificate_was_valid()
    {
        using var ca = TestPki.DevCaWithKey(TestPki.Kr);
        using var signer = TestPki.IssueSigning(ca, TestPki.Kr, Now.AddDays(1), Now.AddDays(100));
        var release = await Some.Release(Some.Header(), Some.Changes(5));

        var check = await Signing.Verify(release, Signing.Sign(release, signer, at: Now), now: Now.AddDays(2));

        Assert.Equal(EnvelopeRejections.SigningTimeOutsideValidity, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_revoked_signer()
    {
        using var ca = TestPki.DevCaWithKey(TestPki.Kr);
        using var signer = TestPki.IssueSigning(ca, TestPki.Kr, Now.AddDays(-1), Now.AddDays(100));
        var crl = RevocationList.Load(new CertificateIssuer(ca).BuildCrl([signer], 1, Now.AddHours(-1), Now.AddDays(7)), ca);
        var release = await Some.Release(Some.Header(), Some.Changes(5));

        var check = await Signing.Verify(release, Signing.Sign(release, signer), crl: crl);

        Assert.Equal(RejectionReasons.Revoked, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_SHA1_digest()
    {
        var release = await Some.Release(Some.Header(), Some.Changes(5));
        var signature = SignWithSignedCms(release, FederationOids.HashListRelease, s => s.DigestAlgorithm = new Oid("1.3.14.3.2.26"));

        var check = await Signing.Verify(release, signature);

        Assert.Equal(EnvelopeRejections.DigestAlgorithmNotAllowed, check.Reason);
    }

    [Fact]
    public async Task Refuses_content_signed_as_plain_data_with_no_signed_attributes()
    {
        var release = await Some.Release(Some.Header(), Some.Changes(5));
        var signature = SignWithSignedCms(release, "1.2.840.113549.1.7.1", signingTime: false);
        var cms = new SignedCms(new ContentInfo(release), detached: true);
        cms.Decode(signature);
        Assert.Empty(cms.SignerInfos[0].SignedAttributes); // the threat as described: id-data, nothing signed but the content

        var check = await Signing.Verify(release, signature);

        Assert.Equal(EnvelopeRejections.SignedAttributesMissing, check.Reason);
    }

    [Fact]
    public async Task Refuses_content_signed_as_plain_data_even_with_signed_attributes()
    {
        var release = await Some.Release(Some.Header(), Some.Changes(5));
        var check = await Signing.Verify(release, SignWithSignedCms(release, "1.2.840.113549.1.7.1"));
        Assert.Equal(EnvelopeRejections.ContentTypeMismatch, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_signature_made_for_another_kind_of_envelope()
    {
        var release = await Some.Release(Some.Header(), Some.Changes(5));
        var check = await Signing.Verify(release, SignWithSignedCms(release, FederationOids.CaseMessage));
        Assert.Equal(EnvelopeRejections.ContentTypeMismatch, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_signature_without_a_signing_time()
    {
        var release = await Some.Release(Some.Header(), Some.Changes(5));
        var check = await Signing.Verify(release, SignWithSignedCms(release, FederationOids.HashListRelease, signingTime: false));
        Assert.Equal(EnvelopeRejections.SigningTimeMissing, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_second_signer()
    {
        var (release, signature) = await Signing.DevRelease();
        var cms = Decode(release, signature);
        using var other = TestPki.DevSigning(TestPki.Kr);
        cms.ComputeSignature(new CmsSigner(other) { DigestAlgorithm = new Oid(FederationOids.Sha256) }, silent: true);

        var check = await Signing.Verify(release, cms.Encode());

        Assert.Equal(EnvelopeRejections.SignerCount, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_signature_that_does_not_carry_the_signer_certificate()
    {
        var (release, signature) = await Signing.DevRelease();
        var cms = Decode(release, signature);
        cms.RemoveCertificate(cms.Certificates[0]);

        var check = await Signing.Verify(release, cms.Encode());

        Assert.Equal(EnvelopeRejections.SignerCertificateMissing, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_TLS_client_certificate_as_signer()
    {
        var release = await Some.Release(Some.Header(), Some.Changes(5));
        using var client = TestPki.DevClient(TestPki.Kr);
        var check = await Signing.Verify(release, Signing.Sign(release, client));
        Assert.Equal(EnvelopeRejections.SignerKeyUsage, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_signer_whose_key_usage_lacks_digitalSignature()
    {
        using var ca = TestPki.DevCaWithKey(TestPki.Kr);
        using var signer = TestPki.IssueWithKeyUsage(ca, TestPki.Kr, X509KeyUsageFlags.NonRepudiation, Now.AddDays(-1), Now.AddDays(100));
        var release = await Some.Release(Some.Header(), Some.Changes(5));

        var check = await Signing.Verify(release, Signing.Sign(release, signer));

        Assert.Equal(EnvelopeRejections.SignerKeyUsage, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_release_with_one_byte_changed()
    {
        var (release, signature) = await Signing.DevRelease();
        release[^2] ^= 0x01;
        var check = await Signing.Verify(release, signature);
        Assert.Equal(EnvelopeRejections.ContentDigestMismatch, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_signature_with_one_byte_changed()
    {
        var (release, signature) = await Signing.DevRelease();
        signature[^1] ^= 0x01; // inside the ECDSA signature value, the last field of the blob
        var check = await Signing.Verify(release, signature);
        Assert.Equal(EnvelopeRejections.SignatureInvalid, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_blob_that_is_not_CMS()
    {
        var (release, _) = await Signing.DevRelease();
        var check = await Signing.Verify(release, "not a signature"u8.ToArray());
        Assert.Equal(EnvelopeRejections.Malformed, check.Reason);
    }

    [Fact]
    public async Task Refuses_a_validly_signed_file_that_is_not_a_release()
    {
        var garbage = RandomNumberGenerator.GetBytes(1000);
        using var signer = TestPki.DevSigning(TestPki.Kr);
        var check = await Signing.Verify(garbage, Signing.Sign(garbage, signer));
        Assert.Equal(ReleaseRejections.Malformed, check.Reason);
    }

    private static byte[] SignWithSignedCms(byte[] content, string contentType, Action<CmsSigner>? adjust = null, bool signingTime = true)
    {
        using var cert = TestPki.DevSigning(TestPki.Kr);
        var cms = new SignedCms(new ContentInfo(new Oid(contentType), content), detached: true);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, cert) { DigestAlgorithm = new Oid(FederationOids.Sha256) };
        if (signingTime) signer.SignedAttributes.Add(new Pkcs9SigningTime(Now.UtcDateTime));
        adjust?.Invoke(signer);
        cms.ComputeSignature(signer, silent: true);
        return cms.Encode();
    }

    private static SignedCms Decode(byte[] release, byte[] signature)
    {
        var cms = new SignedCms(new ContentInfo(new Oid(FederationOids.HashListRelease), release), detached: true);
        cms.Decode(signature);
        return cms;
    }
}

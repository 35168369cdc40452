using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Federation.Core.Descriptors;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Core.Pki;
using Federation.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Core.Tests.Descriptors;

public sealed class DescriptorVerifierTests : IDisposable
{
    private const string IdData = "1.2.840.113549.1.7.1";
    private const string Sha1 = "1.3.14.3.2.26";
    private const string DisplayName = "Korean National Police Agency";

    private readonly TestCa _ca = new();
    private readonly X509Certificate2 _signing;

    public DescriptorVerifierTests() => _signing = _ca.Issue(CertificateProfile.NodeSigning, Some.Kr);

    public void Dispose()
    {
        _signing.Dispose();
        _ca.Dispose();
    }

    [Fact]
    public void Accepts_a_descriptor_signed_by_the_node_under_its_pinned_ca()
    {
        var result = Verify(Sign(_signing, Descriptor(Some.Kr)));

        Assert.True(result.Valid, $"{result.Reason}: {result.Detail}");
        Assert.Null(result.Reason);
        Assert.Equal(Descriptor(Some.Kr), result.Descriptor);
        Assert.Contains(_signing.Subject, result.Detail, StringComparison.Ordinal);
        Assert.Equal(_signing.RawData, result.Signer?.RawData);
    }

    [Fact]
    public void Refuses_an_envelope_with_one_byte_of_content_changed()
    {
        var envelope = Sign(_signing, Descriptor(Some.Kr));
        var at = Bytes.IndexOf(envelope, Encoding.UTF8.GetBytes(DisplayName));

        var result = Verify(Bytes.WithByteFlipped(envelope, at));

        Assert.Equal("signature-invalid", result.Reason);
        Assert.Null(result.Descriptor);
    }

    [Fact]
    public void Refuses_an_envelope_with_one_byte_of_the_signature_changed()
    {
        var envelope = Sign(_signing, Descriptor(Some.Kr));
        var signature = new SignedCms();
        signature.Decode(envelope);
        var value = signature.SignerInfos[0].GetSignature();

        var result = Verify(Bytes.WithByteFlipped(envelope, Bytes.IndexOf(envelope, value) + value.Length - 1));

        Assert.Equal("signature-invalid", result.Reason);
    }

    [Fact]
    public void Refuses_a_signer_from_a_rogue_ca_with_an_identical_subject()
    {
        using var rogue = new TestCa(TestCa.DefaultSubject);
        using var signer = rogue.Issue(CertificateProfile.NodeSigning, Some.Kr);

        var result = Verify(Sign(signer, Descriptor(Some.Kr)));

        Assert.Equal(RejectionReasons.ChainUntrusted, result.Reason);
    }

    [Fact]
    public void Refuses_a_self_signed_signer()
    {
        // Threats B2: CheckSignature(true) alone would accept this.
        using var signer = SelfSignedSigner();

        var result = Verify(Sign(signer, Descriptor(Some.Kr)));

        Assert.Equal(RejectionReasons.ChainUntrusted, result.Reason);
    }

    [Fact]
    public void Refuses_an_expired_signer()
    {
        using var signer = _ca.Issue(CertificateProfile.NodeSigning, Some.Kr.ToUri(), Some.Now.AddDays(-30), Some.Now.AddDays(-1));

        var result = Verify(Sign(signer, Descriptor(Some.Kr)));

        Assert.Equal(RejectionReasons.NotTimeValid, result.Reason);
    }

    [Fact]
    public void Refuses_a_signer_that_names_another_node()
    {
        using var signer = _ca.Issue(CertificateProfile.NodeSigning, Some.Fr);

        var result = Verify(Sign(signer, Descriptor(Some.Kr)));

        Assert.Equal("signer-not-origin", result.Reason);
    }

    [Fact]
    public void Refuses_a_person_certificate_as_signer()
    {
        using var signer = _ca.Issue(CertificateProfile.Person, PersonId.ToUri(Some.Kr, "officer"));

        var result = Verify(Sign(signer, Descriptor(Some.Kr)));

        Assert.Equal(RejectionReasons.WrongUsage, result.Reason);
    }

    [Theory]
    [InlineData(CertificateProfile.NodeClient)]
    [InlineData(CertificateProfile.NodeTls)]
    public void Refuses_a_tls_certificate_of_the_node_as_signer(CertificateProfile profile)
    {
        // CertificateProfile: a TLS certificate cannot sign envelopes, so a key held by the TLS stack cannot speak for the node.
        using var signer = _ca.Issue(profile, Some.Kr);

        var result = Verify(Sign(signer, Descriptor(Some.Kr)));

        Assert.Equal(RejectionReasons.WrongUsage, result.Reason);
    }

    [Fact]
    public void Refuses_a_descriptor_that_names_another_node()
    {
        var result = Verify(Sign(_signing, Descriptor(Some.Fr)));

        Assert.Equal("descriptor-names-another-node", result.Reason);
    }

    [Fact]
    public void Refuses_a_descriptor_signed_as_plain_data()
    {
        var envelope = RawEnvelopes.Sign(_signing, IdData, Descriptor(Some.Kr).Encode());

        var result = Verify(envelope);

        Assert.Equal("content-type-not-ours", result.Reason);
        Assert.Contains(IdData, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_descriptor_signed_as_another_kind_of_envelope()
    {
        var envelope = new EnvelopeSigner(_signing, Clock()).SignAttached(FederationOids.HashListRelease, Descriptor(Some.Kr).Encode());

        Assert.Equal("content-type-not-ours", Verify(envelope).Reason);
    }

    [Fact]
    public void Refuses_a_plain_data_envelope_without_signed_attributes()
    {
        var envelope = RawEnvelopes.Sign(_signing, IdData, Descriptor(Some.Kr).Encode());
        var cms = new SignedCms();
        cms.Decode(envelope);
        Assert.Empty(cms.SignerInfos[0].SignedAttributes);

        Assert.Equal("content-type-not-ours", Verify(envelope).Reason);
    }

    [Fact]
    public void Refuses_our_content_type_spliced_onto_a_signature_without_signed_attributes()
    {
        var envelope = RawEnvelopes.WithoutSignedAttributes(_signing, FederationOids.NodeDescriptor, Descriptor(Some.Kr).Encode());
        var cms = new SignedCms();
        cms.Decode(envelope);
        cms.CheckSignature(verifySignatureOnly: true); // the splice leaves a valid signature...
        Assert.Equal(FederationOids.NodeDescriptor, cms.ContentInfo.ContentType.Value);

        var result = Verify(envelope);

        Assert.Equal("signed-attributes-missing", result.Reason); // ...which the verifier still refuses
    }

    [Fact]
    public void Refuses_a_detached_signature()
    {
        var envelope = new EnvelopeSigner(_signing, Clock()).SignDetached(FederationOids.NodeDescriptor, Descriptor(Some.Kr).Encode());

        var result = Verify(envelope);

        Assert.Equal("content-type-not-ours", result.Reason);
        Assert.Contains("detached", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_sha1_digest()
    {
        var envelope = RawEnvelopes.Sign(_signing, FederationOids.NodeDescriptor, Descriptor(Some.Kr).Encode(), digest: Sha1);

        var result = Verify(envelope);

        Assert.Equal("digest-not-allowed", result.Reason);
        Assert.Contains(Sha1, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_an_envelope_without_a_signer_certificate()
    {
        var cms = new SignedCms();
        cms.Decode(Sign(_signing, Descriptor(Some.Kr)));
        cms.RemoveCertificate(_signing);

        Assert.Equal("signer-certificate-missing", Verify(cms.Encode()).Reason);
    }

    [Fact]
    public void Refuses_a_signed_payload_that_is_not_a_descriptor()
    {
        var result = Verify(new EnvelopeSigner(_signing, Clock()).SignAttached(FederationOids.NodeDescriptor, """{"nodeId":"kr-knpa","extra":1}"""u8));

        Assert.Equal("descriptor-malformed", result.Reason);
    }

    [Fact]
    public void Refuses_a_descriptor_that_announces_another_signing_certificate_than_its_signer()
    {
        using var other = _ca.Issue(CertificateProfile.NodeSigning, Some.Kr);

        var result = Verify(Sign(other, Descriptor(Some.Kr)));

        Assert.Equal("descriptor-signing-certificate-mismatch", result.Reason);
    }

    [Fact]
    public void Refuses_a_log_key_named_after_another_nodes_log()
    {
        var key = Ed25519NoteSigner.GenerateKey("federation.node/nl-police/log").VerifierKey;

        var result = Verify(Sign(_signing, Descriptor(Some.Kr) with { LogPublicKey = key }));

        Assert.Equal("log-origin-not-bound", result.Reason);
        Assert.Contains("federation.node/nl-police/log", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepts_a_log_key_named_after_the_nodes_default_origin_or_the_origin_pinned_for_it()
    {
        var byDefault = Ed25519NoteSigner.GenerateKey("federation.node/kr-knpa/log").VerifierKey;
        var pinned = Ed25519NoteSigner.GenerateKey("knpa.example.kr/log").VerifierKey;

        Assert.True(Verify(Sign(_signing, Descriptor(Some.Kr) with { LogPublicKey = byDefault })).Valid);
        var result = DescriptorVerifier.Verify(Sign(_signing, Descriptor(Some.Kr) with { LogPublicKey = pinned }), Some.Kr, _ca.Anchor(), Some.Now, "knpa.example.kr/log");
        Assert.True(result.Valid, $"{result.Reason}: {result.Detail}");
        Assert.Equal("log-origin-not-bound", Verify(Sign(_signing, Descriptor(Some.Kr) with { LogPublicKey = pinned })).Reason);
    }

    [Fact]
    public void Refuses_garbage()
    {
        var result = Verify("this is not a CMS envelope"u8.ToArray());

        Assert.Equal("envelope-malformed", result.Reason);
    }

    private DescriptorVerifier.Result Verify(byte[] envelope) => DescriptorVerifier.Verify(envelope, Some.Kr, _ca.Anchor(), Some.Now);

    private static byte[] Sign(X509Certificate2 signer, NodeDescriptor descriptor) =>
        new EnvelopeSigner(signer, Clock()).SignAttached(FederationOids.NodeDescriptor, descriptor.Encode());

    private NodeDescriptor Descriptor(NodeId node) =>
        new(node.Value, DisplayName, "KR", "https://kr.example:8443/", Convert.ToBase64String(_signing.RawData), null, Some.Now.AddMinutes(-1));

    private static FakeTimeProvider Clock() => new(Some.Now);

    private static X509Certificate2 SelfSignedSigner()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(TestCa.DefaultSubject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(Some.Kr.ToUri()));
        req.CertificateExtensions.Add(san.Build());
        return req.CreateSelfSigned(Some.Now.AddDays(-1), Some.Now.AddDays(1));
    }
}

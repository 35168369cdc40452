using Federation.Core.Envelopes;
using Federation.Core.Pki;
using Federation.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Core.Tests.Envelopes;

/// <summary>The verifier on attached envelopes (case messages, receipts), which later kinds will use.</summary>
public class EnvelopeVerifierTests
{
    private static readonly EnvelopePolicy CaseMessageFromKr = new(FederationOids.CaseMessage, TestPki.Kr, new TrustAnchor(TestPki.DevCa(TestPki.Kr)));

    private static byte[] SignAttached(byte[] content)
    {
        using var cert = TestPki.DevSigning(TestPki.Kr);
        return new EnvelopeSigner(cert, new FakeTimeProvider(TestPki.DevNow)).SignAttached(FederationOids.CaseMessage, content);
    }

    private static EnvelopeVerifier Verifier => new(new FakeTimeProvider(TestPki.DevNow.AddMinutes(1)));

    [Fact]
    public void Accepts_an_attached_envelope_and_returns_its_content_and_digest()
    {
        var content = "{\"request\":\"preserve\"}"u8.ToArray();
        var check = Verifier.VerifyAttached(SignAttached(content), CaseMessageFromKr);

        Assert.True(check.Accepted, check.ToString());
        Assert.Equal(content, check.Content.ToArray());
        Assert.Equal(ContentDigest.Of(content), check.ContentDigest);
        Assert.Equal(TestPki.DevNow, check.SigningTime);
    }

    [Fact]
    public void Refuses_an_attached_envelope_with_one_content_byte_changed()
    {
        var blob = SignAttached("{\"request\":\"preserve\"}"u8.ToArray());
        var at = blob.AsSpan().IndexOf("preserve"u8);
        blob[at] ^= 0x20;

        var check = Verifier.VerifyAttached(blob, CaseMessageFromKr);

        Assert.Equal(EnvelopeRejections.ContentDigestMismatch, check.Reason);
    }

    [Fact]
    public async Task Refuses_an_attached_envelope_where_a_detached_signature_is_expected()
    {
        var content = "x"u8.ToArray();
        var check = await Verifier.VerifyDetachedAsync(SignAttached(content), new MemoryStream(content), CaseMessageFromKr);
        Assert.Equal(EnvelopeRejections.Malformed, check.Reason);
    }

    [Fact]
    public void Refuses_a_detached_signature_where_an_attached_envelope_is_expected()
    {
        using var cert = TestPki.DevSigning(TestPki.Kr);
        var detached = new EnvelopeSigner(cert, new FakeTimeProvider(TestPki.DevNow)).SignDetached(FederationOids.CaseMessage, ContentDigest.Of("x"u8));
        var check = Verifier.VerifyAttached(detached, CaseMessageFromKr);
        Assert.Equal(EnvelopeRejections.Malformed, check.Reason);
    }
}

using System.Security.Cryptography.X509Certificates;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Pki;
using Federation.Core.Releases;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Tests.Support;

/// <summary>Signs and verifies releases the way a node does, at chosen times.</summary>
public static class Signing
{
    public static byte[] Sign(byte[] release, X509Certificate2 signer, DateTimeOffset? at = null) =>
        new EnvelopeSigner(signer, new FakeTimeProvider(at ?? TestPki.DevNow)).SignDetached(FederationOids.HashListRelease, ContentDigest.Of(release));

    public static Task<ReleaseCheck> Verify(byte[] release, byte[] signature, X509Certificate2? ca = null, NodeId? origin = null,
        ReleaseChainState? last = null, DateTimeOffset? now = null, RevocationList? crl = null) =>
        new ReleaseVerifier(new FakeTimeProvider(now ?? TestPki.DevNow.AddHours(1)))
            .VerifyAsync(new MemoryStream(release), signature, new TrustAnchor(ca ?? TestPki.DevCa(TestPki.Kr), crl), origin ?? TestPki.Kr, last);

    /// <summary>A kr-knpa release of a few entries, and its signature by the dev signing certificate.</summary>
    public static async Task<(byte[] Release, byte[] Signature)> DevRelease(ReleaseHeader? header = null, int entries = 20)
    {
        var release = await Some.Release(header ?? Some.Header(), Some.Changes(entries));
        using var signer = TestPki.DevSigning(TestPki.Kr);
        return (release, Sign(release, signer));
    }
}

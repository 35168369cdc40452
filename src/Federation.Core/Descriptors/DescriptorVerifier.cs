using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Core.Pki;

namespace Federation.Core.Descriptors;

/// <summary>
/// Verifies a peer's signed descriptor against that peer's pinned CA: the CMS signature, our content type with
/// signed attributes, an allowed digest, the signer's chain and key usage, and that signer and descriptor both name
/// the expected node, whose log key is named after that node's log origin.
/// </summary>
public static class DescriptorVerifier
{
    /// <summary>The verified descriptor and the certificate that signed it, or the reason it was refused.</summary>
    public sealed record Result(NodeDescriptor? Descriptor, string? Reason, string Detail, X509Certificate2? Signer = null)
    {
        public bool Valid => Descriptor is not null;
    }

    /// <param name="logOrigin">The origin the node's log key must be named after: the one pinned for that peer, or
    /// null for its default <c>federation.node/&lt;node-id&gt;/log</c>.</param>
    public static Result Verify(byte[] envelope, NodeId expected, TrustAnchor anchor, DateTimeOffset now, string? logOrigin = null)
    {
        var cms = new SignedCms();
        try
        {
            cms.Decode(envelope);
        }
        catch (CryptographicException e)
        {
            return Fail("envelope-malformed", e.Message);
        }
        // Decode leaves SignedCms.Detached false even when eContent is absent: a detached envelope shows up as empty
        // content (a detached signature over content we did not get proves nothing), and a descriptor is never empty.
        if (cms.ContentInfo.Content.Length == 0)
            return Fail("content-type-not-ours", "the envelope carries no content (a detached signature)");
        if (cms.ContentInfo.ContentType.Value != FederationOids.NodeDescriptor)
            return Fail("content-type-not-ours", $"content type {cms.ContentInfo.ContentType.Value}");
        if (cms.SignerInfos.Count != 1)
            return Fail("signer-count", $"{cms.SignerInfos.Count} signers");
        var signer = cms.SignerInfos[0];
        if (signer.SignedAttributes.Count == 0)
            return Fail("signed-attributes-missing", "no signed attributes");
        if (signer.DigestAlgorithm.Value is not (FederationOids.Sha256 or FederationOids.Sha384 or FederationOids.Sha512))
            return Fail("digest-not-allowed", $"digest algorithm {signer.DigestAlgorithm.Value}");
        var cert = signer.Certificate;
        if (cert is null) return Fail("signer-certificate-missing", "the envelope carries no signer certificate");
        try
        {
            signer.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException e)
        {
            return Fail("signature-invalid", e.Message);
        }
        var chain = PinnedChain.Check(cert, anchor, now, requiredEku: null);
        if (!chain.Accepted) return Fail(chain.Reason!, chain.Detail);
        if (!PinnedChain.AllowsDigitalSignature(cert))
            return Fail(RejectionReasons.WrongUsage, "the signer's key usage does not allow digital signatures");
        // The signing profile has no EKU and the TLS profiles carry serverAuth/clientAuth, so a key held by the TLS
        // stack cannot sign for the node (CertificateProfile).
        if (cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Any())
            return Fail(RejectionReasons.WrongUsage, $"the signer {cert.Subject} has an extended key usage: only a signing certificate (no EKU) signs envelopes");
        if (NodeId.FromCertificate(cert) != expected)
            return Fail("signer-not-origin", $"signer {cert.Subject} is not {expected.ToUri()}");
        NodeDescriptor descriptor;
        try
        {
            descriptor = NodeDescriptor.Decode(cms.ContentInfo.Content);
        }
        catch (JsonException e)
        {
            return Fail("descriptor-malformed", e.Message);
        }
        if (descriptor.NodeId != expected.Value)
            return Fail("descriptor-names-another-node", $"descriptor names {descriptor.NodeId}, expected {expected}");
        // The descriptor announces the key that signs this node's envelopes; it must be the key that signed it.
        if (descriptor.SigningCertificate != Convert.ToBase64String(cert.RawData))
            return Fail("descriptor-signing-certificate-mismatch", "the descriptor announces another signing certificate than the one that signed it");
        // A witness follows a log by its origin, which is the log key's name: a node that could name its key after
        // another node's log would have its own checkpoints cosigned as that log's, and the real ones taken for
        // equivocation. So the name is bound to the node that signed the descriptor.
        if (descriptor.LogPublicKey is { } logKey)
        {
            var origin = logOrigin ?? LogNames.DefaultOrigin(expected);
            string name;
            try
            {
                name = NoteVerifier.Parse(logKey).Name;
            }
            catch (FormatException e)
            {
                return Fail("log-key-malformed", e.Message);
            }
            if (name != origin)
                return Fail("log-origin-not-bound", $"the log key is named '{name}'; {expected} may only publish a log named '{origin}'");
        }
        return new Result(descriptor, null, $"{expected} signed by {cert.Subject}", cert);
    }

    private static Result Fail(string reason, string detail) => new(null, reason, detail);
}

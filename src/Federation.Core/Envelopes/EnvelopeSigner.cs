using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Core.Envelopes;

/// <summary>
/// Signs canonical bytes as CMS SignedData (RFC 5652) with the node's signing certificate: SHA-256, signed
/// attributes present (content type, message digest, signing time), the signer certificate included. The result
/// verifies with stock OpenSSL (<c>openssl cms -verify ... -purpose any</c>).
/// </summary>
public sealed class EnvelopeSigner(X509Certificate2 signingCertificate, TimeProvider time)
{
    /// <summary>An envelope that carries its content (small objects: descriptors, messages, receipts).</summary>
    public byte[] SignAttached(string contentTypeOid, ReadOnlySpan<byte> content) =>
        Sign(new ContentInfo(new Oid(contentTypeOid), content.ToArray()), detached: false);

    /// <summary>A detached signature over content kept elsewhere (large hash-list releases).</summary>
    public byte[] SignDetached(string contentTypeOid, ReadOnlySpan<byte> content) =>
        Sign(new ContentInfo(new Oid(contentTypeOid), content.ToArray()), detached: true);

    /// <summary>
    /// A detached signature over content read from a stream to its end, never held whole in memory: the message
    /// digest is computed while reading and the SignedData built from it (large hash-list releases).
    /// </summary>
    public async Task<byte[]> SignDetachedAsync(string contentTypeOid, Stream content, CancellationToken ct = default) =>
        SignDetached(contentTypeOid, await ContentDigest.OfAsync(content, ct).ConfigureAwait(false));

    /// <summary>A detached signature for content whose SHA-256 is already known (computed while it was written).</summary>
    public byte[] SignDetached(string contentTypeOid, ContentDigest contentDigest)
    {
        if (!signingCertificate.HasPrivateKey)
            throw new InvalidOperationException($"the signing certificate {signingCertificate.Subject} has no private key");
        return SignedDataWriter.WriteDetached(contentTypeOid, contentDigest.ToArray(), signingCertificate, time.GetUtcNow());
    }

    private byte[] Sign(ContentInfo content, bool detached)
    {
        if (!signingCertificate.HasPrivateKey)
            throw new InvalidOperationException($"the signing certificate {signingCertificate.Subject} has no private key");
        var cms = new SignedCms(content, detached);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signingCertificate)
        {
            // EndCertOnly: WholeChain silently drops intermediates that are in no store on Linux;
            // peers build the chain from their pinned CA anyway.
            IncludeOption = X509IncludeOption.EndCertOnly,
            DigestAlgorithm = new Oid(FederationOids.Sha256),
        };
        signer.SignedAttributes.Add(new Pkcs9SigningTime(time.GetUtcNow().UtcDateTime));
        cms.ComputeSignature(signer, silent: true);
        return cms.Encode();
    }
}

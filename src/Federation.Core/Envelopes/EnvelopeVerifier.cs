using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Identity;
using Federation.Core.Pki;

namespace Federation.Core.Envelopes;

/// <summary>
/// Verifies a CMS envelope from a peer and fails closed with one reason per check (<see cref="EnvelopeRejections"/>,
/// <see cref="RejectionReasons"/>). It does by hand what <c>SignedCms.CheckSignature(true)</c> does not:
/// exactly one signer; signed attributes present with our content type; digest and signature algorithms on an
/// allow-list; the message digest and the signature; the chain to the sender's pinned CA only; key usage; the URI SAN
/// naming the sender; the signing time within the certificate's validity. Detached content is streamed, never held.
/// </summary>
public sealed class EnvelopeVerifier(TimeProvider time)
{
    // RFC 5754 §2: SHA-2 only; SHA-1 and MD5 are refused (collisions).
    private static readonly Dictionary<string, HashAlgorithmName> AllowedDigests = new()
    {
        [FederationOids.Sha256] = HashAlgorithmName.SHA256,
        [FederationOids.Sha384] = HashAlgorithmName.SHA384,
        [FederationOids.Sha512] = HashAlgorithmName.SHA512,
    };

    // RFC 5753 §2.1.1 / RFC 5758 §3.2: ECDSA with a SHA-2 hash, which must be the signer's digest algorithm.
    private static readonly Dictionary<string, HashAlgorithmName> AllowedSignatures = new()
    {
        [CmsOids.EcdsaWithSha256] = HashAlgorithmName.SHA256,
        [CmsOids.EcdsaWithSha384] = HashAlgorithmName.SHA384,
        [CmsOids.EcdsaWithSha512] = HashAlgorithmName.SHA512,
    };

    /// <summary>Verifies an envelope that carries its content; <see cref="EnvelopeCheck.Content"/> holds it.</summary>
    public EnvelopeCheck VerifyAttached(ReadOnlyMemory<byte> signedData, EnvelopePolicy policy)
    {
        SignedEnvelope? envelope = null;
        try
        {
            envelope = SignedEnvelope.Decode(signedData);
            var digest = CheckBeforeContent(envelope, policy);
            if (envelope.Content is not { } content)
                throw new EnvelopeRefusal(EnvelopeRejections.Malformed, "the envelope is detached but an attached one was expected");
            var computed = HashData(digest, content.Span);
            return CheckAfterContent(envelope, policy, computed, ContentDigest.Of(content.Span)) with { Content = content, ContentLength = content.Length };
        }
        catch (EnvelopeRefusal r)
        {
            return EnvelopeCheck.Refused(r.Reason, r.Detail);
        }
        finally
        {
            envelope?.Dispose();
        }
    }

    /// <summary>Verifies a detached signature over <paramref name="content"/>, read once to its end.</summary>
    public Task<EnvelopeCheck> VerifyDetachedAsync(ReadOnlyMemory<byte> signedData, Stream content, EnvelopePolicy policy, CancellationToken ct = default) =>
        VerifyDetachedAsync(signedData, content, policy, readContent: null, ct);

    /// <summary>
    /// Verifies a detached signature over <paramref name="content"/>, letting <paramref name="readContent"/> parse the
    /// content in the same pass that digests it (whatever it leaves unread is drained). Nothing read may be acted on
    /// unless the result is accepted.
    /// </summary>
    public async Task<EnvelopeCheck> VerifyDetachedAsync(ReadOnlyMemory<byte> signedData, Stream content, EnvelopePolicy policy,
        Func<Stream, CancellationToken, Task>? readContent, CancellationToken ct = default)
    {
        SignedEnvelope? envelope = null;
        try
        {
            envelope = SignedEnvelope.Decode(signedData);
            var digest = CheckBeforeContent(envelope, policy);
            if (envelope.Content is not null)
                throw new EnvelopeRefusal(EnvelopeRejections.Malformed, "the envelope carries its content but a detached signature was expected");
            using var hashing = new HashingStream(content, writing: false, digest);
            if (readContent is not null) await readContent(hashing, ct).ConfigureAwait(false);
            await hashing.DrainAsync(ct).ConfigureAwait(false);
            return CheckAfterContent(envelope, policy, hashing.Digest(digest), hashing.ContentDigest()) with { ContentLength = hashing.BytesHashed };
        }
        catch (EnvelopeRefusal r)
        {
            return EnvelopeCheck.Refused(r.Reason, r.Detail);
        }
        finally
        {
            envelope?.Dispose();
        }
    }

    /// <summary>Everything that can be checked without the content; returns the digest algorithm to hash it with.</summary>
    private static HashAlgorithmName CheckBeforeContent(SignedEnvelope e, EnvelopePolicy policy)
    {
        // RFC 5652 §11.1: the content-type attribute must equal eContentType; both must be the kind we expect, so a signature made for one kind is never taken as another.
        if (e.ContentType != policy.ContentType)
            throw new EnvelopeRefusal(EnvelopeRejections.ContentTypeNotOurs, $"eContentType {e.ContentType}, expected {policy.ContentType}");
        if (e.ContentTypeAttribute != e.ContentType)
            throw new EnvelopeRefusal(EnvelopeRejections.ContentTypeNotOurs, $"the content-type attribute {e.ContentTypeAttribute} differs from eContentType {e.ContentType}");
        if (e.SigningTime is null)
            throw new EnvelopeRefusal(EnvelopeRejections.SigningTimeMissing, "no signing-time attribute");
        if (!AllowedDigests.TryGetValue(e.DigestAlgorithmOid, out var digest))
            throw new EnvelopeRefusal(EnvelopeRejections.DigestNotAllowed, $"digest algorithm {e.DigestAlgorithmOid} is not SHA-256, SHA-384 or SHA-512");
        if (!AllowedSignatures.TryGetValue(e.SignatureAlgorithmOid, out var signatureHash))
            throw new EnvelopeRefusal(EnvelopeRejections.SignatureAlgorithmNotAllowed, $"signature algorithm {e.SignatureAlgorithmOid} is not ECDSA with SHA-2");
        if (signatureHash != digest)
            throw new EnvelopeRefusal(EnvelopeRejections.SignatureAlgorithmNotAllowed, $"signature algorithm {e.SignatureAlgorithmOid} does not match digest algorithm {e.DigestAlgorithmOid}");
        if (e.SignerCertificate is null)
            throw new EnvelopeRefusal(EnvelopeRejections.SignerCertificateMissing, "the envelope does not include the signer's certificate");
        return digest;
    }

    private EnvelopeCheck CheckAfterContent(SignedEnvelope e, EnvelopePolicy policy, byte[] computedDigest, ContentDigest contentDigest)
    {
        var signer = e.SignerCertificate!;
        if (!CryptographicOperations.FixedTimeEquals(computedDigest, e.MessageDigest.Span))
            throw new EnvelopeRefusal(EnvelopeRejections.ContentDigestMismatch, "the content's digest is not the signed message digest: the content was changed");

        VerifySignature(e, signer);

        var at = time.GetUtcNow();
        var intermediates = new X509Certificate2Collection();
        foreach (var c in e.Certificates)
        {
            if (!ReferenceEquals(c, signer)) intermediates.Add(c);
        }
        var chain = PinnedChain.Check(signer, policy.Anchor, at, requiredEku: null, intermediates);
        if (!chain.Accepted) throw new EnvelopeRefusal(chain.Reason!, chain.Detail);

        if (!PinnedChain.AllowsDigitalSignature(signer))
            throw new EnvelopeRefusal(RejectionReasons.WrongUsage, $"{signer.Subject}: key usage does not include digitalSignature");
        // The signing profile has no EKU and the TLS profiles carry serverAuth/clientAuth (CertificateProfile), so a
        // key held by a TLS stack cannot sign for the node.
        if (signer.Extensions.OfType<X509EnhancedKeyUsageExtension>().Any())
            throw new EnvelopeRefusal(RejectionReasons.WrongUsage, $"{signer.Subject} has an extended key usage: only a signing certificate (no EKU) signs envelopes");

        var node = NodeId.FromCertificate(signer);
        if (node != policy.Signer)
            throw new EnvelopeRefusal(EnvelopeRejections.SignerNotOrigin, $"{signer.Subject} names {(node is { } n ? n.ToUri() : "no single node")}, not {policy.Signer.ToUri()}");

        var signingTime = e.SigningTime!.Value;
        if (signingTime < new DateTimeOffset(signer.NotBefore) || signingTime > new DateTimeOffset(signer.NotAfter))
            throw new EnvelopeRefusal(EnvelopeRejections.SigningTimeOutsideValidity,
                $"signed at {signingTime:O}, but {signer.Subject} is valid from {signer.NotBefore.ToUniversalTime():O} to {signer.NotAfter.ToUniversalTime():O}");

        return new EnvelopeCheck(null, $"signed by {signer.Subject} ({policy.Signer}) at {signingTime.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}")
        {
            Signer = X509CertificateLoader.LoadCertificate(signer.RawData),
            SigningTime = signingTime,
            ContentDigest = contentDigest,
        };
    }

    private static void VerifySignature(SignedEnvelope e, X509Certificate2 signer)
    {
        using var key = signer.GetECDsaPublicKey()
            ?? throw new EnvelopeRefusal(EnvelopeRejections.SignatureAlgorithmNotAllowed, $"{signer.Subject} does not have an ECDSA key");
        // RFC 5652 §5.4: the signature is over the DER of SignedAttributes with the SET OF tag, not the [0] it travels with.
        var signedBytes = e.SignedAttributes.ToArray();
        signedBytes[0] = 0x31;
        bool valid;
        try
        {
            valid = key.VerifyData(signedBytes, e.Signature.Span, AllowedSignatures[e.SignatureAlgorithmOid], DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            valid = false;
        }
        if (!valid) throw new EnvelopeRefusal(EnvelopeRejections.SignatureInvalid, $"the signature does not verify with the key of {signer.Subject}");
    }

    private static byte[] HashData(HashAlgorithmName algorithm, ReadOnlySpan<byte> data) =>
        algorithm == HashAlgorithmName.SHA384 ? SHA384.HashData(data)
        : algorithm == HashAlgorithmName.SHA512 ? SHA512.HashData(data)
        : SHA256.HashData(data);
}

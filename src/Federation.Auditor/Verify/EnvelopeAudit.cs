using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using Federation.Core.Audit;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Pki;

namespace Federation.Auditor.Verify;

/// <summary>
/// Checks the signed envelope an entry commits to: the blobs are the bytes their names say (a replaced blob is
/// caught here), the signed content is the one the leaf commits to, and the signature verifies with the strict
/// envelope rules under a CA of the trust directory, as of the moment the entry was logged — a certificate that
/// has expired since then does not make an honest history fail.
/// </summary>
internal sealed class EnvelopeAudit(TrustDirectory trust, string blobs)
{
    // Any envelope kind of ours but the descriptor (which has its own check): every kind has its own content type
    // under our arc, and the verifier then holds the envelope to that type, so a new kind needs no change here.
    private static bool IsLoggedKind(string contentType) =>
        contentType.StartsWith(FederationOids.Arc + ".1.", StringComparison.Ordinal) && contentType != FederationOids.NodeDescriptor;

    public void Check(AuditEntry entry, byte[] signedContentSha256, string where)
    {
        where += ": envelope";
        if (entry.Envelope is not { } envelope)
            throw new AuditFailure(where, "where the envelope is stored and who signed it", "nothing: the node did not record the envelope of this entry");
        var signature = ReadBlob(envelope.Blob, where, "envelope");
        if (!NodeId.TryParse(envelope.SignedBy, out var signer))
            throw new AuditFailure(where, "a node id as the signer", $"'{envelope.SignedBy}'");

        string contentType;
        bool detached;
        try
        {
            var cms = new SignedCms();
            cms.Decode(signature);
            contentType = cms.ContentInfo.ContentType.Value ?? "";
            // SignedCms.Detached only echoes the constructor; after Decode, a detached envelope is one without eContent
            // (no envelope kind of ours signs empty content).
            detached = cms.ContentInfo.Content.Length == 0;
        }
        catch (CryptographicException e)
        {
            throw new AuditFailure(where, $"a CMS SignedData in blob {envelope.Blob}", e.Message);
        }
        if (!IsLoggedKind(contentType))
            throw new AuditFailure(where, "an envelope of a kind a log entry carries (a federation content type other than the descriptor)", $"content type {contentType}");

        var expected = Convert.ToHexStringLower(signedContentSha256);
        var content = detached ? ReadBlob(expected, where, "signed content") : null;
        var at = new FixedTime(DateTimeOffset.UnixEpoch.AddTicks(entry.TimestampMicros * TimeSpan.TicksPerMicrosecond));
        var verifier = new EnvelopeVerifier(at);
        EnvelopeCheck? first = null;
        foreach (var ca in trust.Authorities)
        {
            var policy = new EnvelopePolicy(contentType, signer, new TrustAnchor(ca));
            var check = content is null
                ? verifier.VerifyAttached(signature, policy)
                : verifier.VerifyDetachedAsync(signature, new MemoryStream(content, writable: false), policy).GetAwaiter().GetResult();
            if (check.Accepted)
            {
                if (check.ContentDigest.Hex != expected)
                    throw new AuditFailure(where, $"signed content {expected} (the digest the leaf commits to)",
                        $"{check.ContentDigest.Hex}: the envelope in blob {envelope.Blob} was replaced by another validly signed one");
                return;
            }
            first ??= check;
        }
        throw new AuditFailure($"{where} signature", $"a signature by {signer}'s signing certificate under a trusted CA",
            first is null ? "no CA in the trust directory" : $"{first}: add {signer}'s agency CA to the trust directory if it is missing");
    }

    private byte[] ReadBlob(string name, string where, string what)
    {
        if (name.Length != 64 || !name.All(char.IsAsciiHexDigitLower))
            throw new AuditFailure(where, $"the {what} named by a SHA-256", $"'{name}'");
        var path = Path.Combine(blobs, name);
        if (!File.Exists(path))
            throw new AuditFailure(where, $"the {what} in {AuditBundle.BlobsFolder}/{name}", "no such file");
        var bytes = File.ReadAllBytes(path);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != name)
            throw new AuditFailure($"{where} blob {name}", $"bytes whose SHA-256 is {name}",
                $"bytes whose SHA-256 is {actual}: the stored {what} was replaced after it was logged");
        return bytes;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Federation.Core.Audit;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Pki;

namespace Federation.Auditor.Verify;

/// <summary>
/// Checks the signed envelope an entry commits to: the blobs are the bytes their names say (a replaced blob is
/// caught here), the signed content is the one the leaf commits to, and the signature verifies with the strict
/// envelope rules under the CA the trust directory holds for the node the entry names as signer (and no other), as
/// of the moment the entry was logged — a certificate that has expired or been revoked since then does not make an
/// honest history fail, one revoked before does.
/// </summary>
internal sealed class EnvelopeAudit(TrustDirectory trust, Func<string, byte[]?> blobs, string blobsName)
{
    /// <summary>Reads the blobs from a bundle's folder.</summary>
    public EnvelopeAudit(TrustDirectory trust, string blobs)
        : this(trust, name => Path.Combine(blobs, name) is var path && File.Exists(path) ? File.ReadAllBytes(path) : null, AuditBundle.BlobsFolder)
    {
    }

    // Any envelope kind of ours but the descriptor (which has its own check): every kind has its own content type
    // under our arc, and the verifier then holds the envelope to that type, so a new kind needs no change here.
    private static bool IsLoggedKind(string contentType) =>
        contentType.StartsWith(FederationOids.Arc + ".1.", StringComparison.Ordinal) && contentType != FederationOids.NodeDescriptor;

    /// <summary>An entry of a type that records a signed envelope (<see cref="EnvelopeEvents"/>) carries none.</summary>
    public static void RequireEnvelope(AuditEntry entry, string where)
    {
        if (entry.EnvelopeSha256 is null && EnvelopeEvents.SignerField.ContainsKey(entry.EventType))
            throw new AuditFailure($"{where}: envelope", $"a signed envelope: every {entry.EventType} records the one it was signed with",
                "none: the leaf commits to no envelope, so this entry was written without the signed item it claims", AuditFailure.EnvelopeMissing);
    }

    /// <summary>Checks the entry's envelope; returns its signing certificate.</summary>
    public X509Certificate2 Check(AuditEntry entry, byte[] signedContentSha256, string where)
    {
        where += ": envelope";
        if (entry.Envelope is not { } envelope)
            throw new AuditFailure(where, "where the envelope is stored and who signed it", "nothing: the node did not record the envelope of this entry",
                AuditFailure.EnvelopeMissing);
        var signature = ReadBlob(envelope.Blob, where, "envelope");
        var signer = ClaimedSigner(entry, envelope, where);

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
        var loggedAt = DateTimeOffset.UnixEpoch.AddTicks(entry.TimestampMicros * TimeSpan.TicksPerMicrosecond);
        var verifier = new EnvelopeVerifier(new FixedTime(loggedAt));
        EnvelopeCheck Under(X509Certificate2 ca)
        {
            var policy = new EnvelopePolicy(contentType, signer, new TrustAnchor(ca));
            return content is null
                ? verifier.VerifyAttached(signature, policy)
                : verifier.VerifyDetachedAsync(signature, new MemoryStream(content, writable: false), policy).GetAwaiter().GetResult();
        }

        if (trust.For(signer) is not { } trusted)
            throw new AuditFailure($"{where} signature", $"{signer}.crt in the trust directory, the CA that vouches for {signer}",
                $"none ({trust.Describe()}): add {signer}'s agency CA to the trust directory as {signer}.crt if you trust it", AuditFailure.CaMissing);
        var check = Under(trusted.Ca);
        if (!check.Accepted)
        {
            // Said apart from a bad signature: the signature is good, but under a CA that may not vouch for this node.
            foreach (var other in trust.Nodes.Values.Where(n => n.Node != signer))
                if (Under(other.Ca).Accepted)
                    throw new AuditFailure($"{where} signature", $"a signature by {signer}'s signing certificate under {signer}'s CA",
                        $"a certificate naming {signer} issued by {other.Node}'s CA {other.Ca.Subject}: a CA vouches only for its own node", AuditFailure.SignerWrongCa);
            throw new AuditFailure($"{where} signature", $"a signature by {signer}'s signing certificate under {signer}'s CA", check.ToString(),
                AuditFailure.EnvelopeSignature);
        }
        if (check.ContentDigest.Hex != expected)
            throw new AuditFailure(where, $"signed content {expected} (the digest the leaf commits to)",
                $"{check.ContentDigest.Hex}: the envelope in blob {envelope.Blob} was replaced by another validly signed one");
        // As of the entry's time: a certificate revoked after the entry was logged does not make an honest history fail.
        if (trusted.Crl?.RevokedAt(check.Signer!) is { } revokedAt && revokedAt <= loggedAt)
            throw new AuditFailure($"{where} signature", $"a signing certificate not revoked when the entry was logged ({loggedAt:u})",
                $"{check.Signer!.Subject} serial {check.Signer.SerialNumber}, revoked at {revokedAt:u} on {signer}.crl", AuditFailure.SignerRevoked);
        return check.Signer!;
    }

    /// <summary>The node the entry says signed its envelope: from the event's data, which the leaf covers, for the types
    /// that name it; the envelope's location beside the leaf (which the leaf does not cover) must agree.</summary>
    private static NodeId ClaimedSigner(AuditEntry entry, AuditEnvelope envelope, string where)
    {
        var claimed = envelope.SignedBy;
        if (EnvelopeEvents.SignerField.TryGetValue(entry.EventType, out var field))
        {
            if (entry.Data is not { ValueKind: JsonValueKind.Object } data || !data.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String)
                throw new AuditFailure(where, $"the signing node in the event's {field}", "none");
            claimed = value.GetString()!;
            if (claimed != envelope.SignedBy)
                throw new AuditFailure(where, $"the envelope's signer recorded beside the leaf to be {claimed} (the event's {field})",
                    $"'{envelope.SignedBy}'", AuditFailure.SignerMismatch);
        }
        return NodeId.TryParse(claimed, out var signer) ? signer : throw new AuditFailure(where, "a node id as the signer", $"'{claimed}'");
    }

    private byte[] ReadBlob(string name, string where, string what)
    {
        if (name.Length != 64 || !name.All(char.IsAsciiHexDigitLower))
            throw new AuditFailure(where, $"the {what} named by a SHA-256", $"'{name}'");
        var bytes = blobs(name) ?? throw new AuditFailure(where, $"the {what} in {blobsName}/{name}", "no such file");
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

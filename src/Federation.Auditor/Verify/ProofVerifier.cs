using System.Security.Cryptography;
using System.Text.Json;
using Federation.Core.Audit;
using Federation.Core.Descriptors;
using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Core.Pki;

namespace Federation.Auditor.Verify;

/// <summary>
/// Checks a one-entry proof (<c>.tlog-proof</c>, <see cref="TlogProof"/>) offline, trusting only the trust directory:
/// the log key (the node's descriptor carried in <c>extra</c>, verified under the CA trusted for that node, or a
/// trusted .vkey); the checkpoint's log signature; the quorum of distinct trusted witnesses (fresh, if asked); the
/// entry in <c>extra</c> (its data digest recomputed from its data, its leaf hash from its fields); the inclusion of
/// that leaf under the checkpoint's root; and the envelope the leaf commits to (<see cref="EnvelopeAudit"/>). Nothing
/// in <c>extra</c> is believed until the leaf hash recomputed from it is proven in the signed tree.
/// </summary>
public sealed class ProofVerifier(TrustDirectory trust, int quorum, DateTimeOffset? freshSince, TimeProvider time)
{
    /// <summary>The file is not a tlog-proof v1, or its extra is not a <see cref="ProofEntry"/>.</summary>
    public const string Format = "proof-format";

    /// <summary>The entry in extra does not hash to what its leaf committed (its data or its fields were changed).</summary>
    public const string EntryAltered = "proof-entry-altered";

    /// <summary>The leaf is not in the checkpoint's tree by the proof (a proof hash, the index or the root changed).</summary>
    public const string Inclusion = "proof-inclusion";

    /// <summary>The checkpoint carries no valid signature by the trusted log key (it was altered or re-signed).</summary>
    public const string LogSignature = "proof-log-signature";

    /// <summary>No trusted log key for the checkpoint's origin.</summary>
    public const string LogKey = "proof-log-key";

    /// <summary>A cosignature line by a trusted witness key does not verify (it, or the checkpoint, was altered).</summary>
    public const string WitnessSignature = "witness-signature";

    /// <summary>What the proof proves: the entry and the checkpoint it is in.</summary>
    public sealed record Verified(ProofEntry Extra, SignedCheckpoint Checkpoint, int Witnesses, string KeySource, string? Signer);

    public Verified Verify(string path)
    {
        var bytes = BoundedFile.Read(path, TlogProof.MaxBytes, "proof");
        TlogProof proof;
        try { proof = TlogProof.Parse(bytes); }
        catch (TlogProofFormatException e) { throw new AuditFailure("proof", $"a {TlogProof.Header} file", $"{e.Reason}: {e.Message}", Format); }
        if (!proof.HasExtra) throw new AuditFailure("proof", "the entry in the extra line", "no extra line: this is not a federation node's proof", Format);
        ProofEntry extra;
        try { extra = ProofEntry.Decode(proof.Extra); }
        catch (FormatException e) { throw new AuditFailure("proof: extra", $"a {ProofEntry.CurrentFormat} object", e.Message, Format); }

        var checkpoint = proof.Checkpoint.Checkpoint;
        var origin = checkpoint.Origin;
        var (logKeys, keySource) = LogKeys(extra, origin);

        var where = $"checkpoint (size {checkpoint.Size})";
        var witnessKeys = trust.WitnessKeys.ToList();
        var verification = proof.Checkpoint.Verify([.. logKeys, .. witnessKeys.Where(w => !logKeys.Any(k => k.Name == w.Name && k.KeyId == w.KeyId))]);
        bool IsLogKey(NoteSignature s) => logKeys.Any(k => k.Name == s.Name && k.KeyId == s.KeyId);
        if (verification.Result == NoteCheck.InvalidSignature)
        {
            var failed = verification.Failed!.Value;
            throw IsLogKey(failed)
                ? new AuditFailure($"{where}: log signature", $"a valid signature by the trusted log key {failed}", "one that does not verify: the checkpoint was altered", LogSignature)
                : new AuditFailure($"{where}: cosignature", $"every cosignature by a trusted witness key to verify", $"an invalid one by {failed}: it, or the checkpoint, was altered", WitnessSignature);
        }
        if (!verification.Verified.Any(IsLogKey))
            throw new AuditFailure($"{where}: log signature", $"a signature by the trusted log key {string.Join(" or ", logKeys.Select(k => $"{k.Name}+{k.KeyId}"))}",
                $"signatures by {string.Join(", ", proof.Checkpoint.Signatures.Select(s => s.ToString()))} only", LogSignature);
        var tally = Cosignatures.Count(verification, witnessKeys, freshSince);
        Cosignatures.Require(tally, quorum, freshSince, witnessKeys, where);

        var entry = extra.Entry;
        var at = $"entry {proof.Index}";
        if (entry.Index != proof.Index)
            throw new AuditFailure(at, $"the entry in extra at index {proof.Index}", $"index {entry.Index}", EntryAltered);
        at = $"entry {entry.Index} (event {entry.EventId}, stream {entry.StreamKey}, {entry.EventType})";
        var leaf = Leaf(entry, at);
        var included = MerkleProofs.VerifyInclusion(proof.Index, checkpoint.Size, leaf, proof.Proof, checkpoint.RootHash);
        if (included != ProofCheck.Valid)
            throw new AuditFailure($"{at}: inclusion", $"the leaf {leaf} in the tree of the signed checkpoint (size {checkpoint.Size}, root {checkpoint.RootHash})",
                $"{included}: a proof hash, the index or the tree was altered", Inclusion);

        EnvelopeAudit.RequireEnvelope(entry, at);
        string? signer = null;
        if (entry.EnvelopeSha256 is { } signedContent)
        {
            var certificate = new EnvelopeAudit(trust, extra.Blob, "the proof's blobs").Check(entry, Convert.FromBase64String(signedContent), at);
            signer = $"{entry.Envelope!.SignedBy} ({certificate.Subject})";
        }
        return new Verified(extra, proof.Checkpoint, tally.Distinct, keySource, signer);
    }

    /// <summary>The leaf hash recomputed from the entry's fields, after its data digest is recomputed from its data; both
    /// must be what the node committed (its stored leaf hash), else the entry in extra was altered.</summary>
    private static MerkleHash Leaf(AuditEntry entry, string where)
    {
        if (entry.Data is not { } data) throw new AuditFailure(where, "the event's data", "none", EntryAltered);
        byte[] recorded, recomputed;
        MerkleHash leaf, stored;
        try
        {
            recorded = Convert.FromBase64String(entry.DataSha256);
            recomputed = SHA256.HashData(CanonicalJson.Canonicalize(data.GetRawText()));
            stored = MerkleHash.ParseBase64(entry.LeafHash);
            leaf = LedgerEntry.Create(entry.Index, entry.EventId, entry.StreamKey, entry.EventType,
                DateTimeOffset.UnixEpoch.AddTicks(entry.TimestampMicros * TimeSpan.TicksPerMicrosecond), recorded,
                entry.EnvelopeSha256 is { } e ? Convert.FromBase64String(e) : default, entry.EnvelopeSha256 is not null).LeafHash();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or JsonException)
        {
            throw new AuditFailure(where, "a well-formed entry", e.Message, Format);
        }
        if (!recorded.AsSpan().SequenceEqual(recomputed))
            throw new AuditFailure($"{where}: data digest", $"{Convert.ToHexStringLower(recorded)} (logged)",
                $"{Convert.ToHexStringLower(recomputed)} recomputed from the data in the proof: the data was altered", EntryAltered);
        if (leaf != stored)
            throw new AuditFailure($"{where}: leaf hash", $"{stored} (the node's leaf)", $"{leaf} recomputed from the entry's fields: the entry was altered", EntryAltered);
        return leaf;
    }

    /// <summary>The log keys for <paramref name="origin"/>: trusted .vkey files, and the key in the node's descriptor if it
    /// verifies under the CA trusted for that node (and no other: any agency can issue a certificate naming any node).</summary>
    private (IReadOnlyList<NoteVerifier> Keys, string Source) LogKeys(ProofEntry extra, string origin)
    {
        var keys = trust.Keys.Where(k => k.Type == NoteKeyType.Ed25519 && k.Name == origin).ToList();
        var source = keys.Count > 0 ? "trusted .vkey" : "";
        string refused;
        if (!NodeId.TryParse(extra.NodeId, out var node)) refused = $"the node id '{extra.NodeId}' is not one";
        else if (trust.For(node) is not { } trusted) refused = $"no {node}.crt in the trust directory ({trust.Describe()})";
        else
        {
            byte[] descriptor;
            try { descriptor = Convert.FromBase64String(extra.Descriptor); }
            catch (FormatException e) { throw new AuditFailure("proof: extra", "the node's descriptor in base64", e.Message, Format); }
            var result = DescriptorVerifier.Verify(descriptor, node, new TrustAnchor(trusted.Ca), time.GetUtcNow(), origin);
            refused = result.Valid ? "" : $"{result.Reason} ({result.Detail})";
            if (result.Valid && result.Descriptor!.LogPublicKey is { } published)
            {
                NoteVerifier key;
                try { key = NoteVerifier.Parse(published); }
                catch (FormatException e) { throw new AuditFailure("descriptor", "a C2SP verifier key as logPublicKey", e.Message, LogKey); }
                if (key.Type == NoteKeyType.Ed25519 && key.Name == origin)
                {
                    if (!keys.Any(k => k.ToString() == key.ToString())) keys.Add(key);
                    source = $"descriptor of {result.Detail}, under the trusted CA {trusted.Ca.Subject}";
                }
                else refused = $"its log key {key.Name} is not named after the origin {origin}";
            }
        }
        if (keys.Count == 0)
            throw new AuditFailure("log key", $"a key for {origin}: the node's descriptor signed under the CA trusted for it, or a .vkey in the trust directory",
                refused.Length == 0 ? "neither" : $"a descriptor that does not verify: {refused}", LogKey);
        return (keys, source);
    }
}

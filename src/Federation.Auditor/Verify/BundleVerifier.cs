using System.Security.Cryptography;
using System.Text.Json;
using Federation.Core.Audit;
using Federation.Core.Descriptors;
using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Core.Pki;

namespace Federation.Auditor.Verify;

/// <summary>
/// Checks an audit bundle from first principles, trusting only the trust directory. In order: the log key (from the
/// node's descriptor, verified against a trusted CA, or a trusted .vkey); every entry (in order and gap-free, its
/// data digest recomputed from its data, its leaf hash recomputed from its fields and compared with the one stored
/// in the node's tree); the tree rebuilt from those leaves; every checkpoint (the log's signature, its root against
/// the rebuilt tree, consistency with the previous one); and witness cosignatures on the latest. An entry that commits to
/// a signed envelope has that envelope checked too (<see cref="EnvelopeAudit"/>). The first problem
/// stops the check with an <see cref="AuditFailure"/> naming it.
/// </summary>
public sealed class BundleVerifier(TrustDirectory trust, int quorum, TimeProvider time, TextWriter progress)
{
    private const int ProgressEvery = 100_000;

    /// <summary>Where what was verified is noted for a report (<c>--report</c>); the checks do not depend on it.</summary>
    public Report.VerificationRecord? Record { get; init; }

    private SignedCheckpoint? _latest;

    /// <summary>What the last successful <see cref="Verify"/> established, for the checks that build on it.</summary>
    public VerifiedLog? Verified { get; private set; }

    public string Verify(string dir)
    {
        var manifest = Read<AuditManifest>(Path.Combine(dir, AuditBundle.ManifestFile), AuditBundle.ManifestFile);
        if (manifest.Format != AuditBundle.Format) throw new AuditFailure(AuditBundle.ManifestFile, $"format {AuditBundle.Format}", manifest.Format);
        Record?.Read(manifest);
        var (logKeys, keySource) = LogKeys(dir, manifest);
        Record?.UsedLogKeys(logKeys, keySource);
        progress.WriteLine($"bundle of {manifest.NodeId}, origin {manifest.Origin}, {manifest.TreeSize} entries; log key {string.Join(", ", logKeys)} ({keySource})");

        var (store, size) = Entries(dir, manifest);
        progress.WriteLine($"entries: {size} in order, every data digest and leaf hash recomputed");
        var (count, latest) = Checkpoints(dir, manifest, logKeys, store, size);
        Verified = new VerifiedLog(manifest.Origin, logKeys, _latest!, new MerkleProver(store));
        return $"{manifest.NodeId}: {size} entries, {count} checkpoints, latest size {latest.Size} with {latest.Cosignatures} trusted cosignatures{(quorum > 0 ? $" (quorum {quorum})" : "")}";
    }

    private (IReadOnlyList<NoteVerifier> Keys, string Source) LogKeys(string dir, AuditManifest manifest)
    {
        var keys = trust.Keys.Where(k => k.Type == NoteKeyType.Ed25519 && k.Name == manifest.Origin).ToList();
        var source = keys.Count > 0 ? "trusted .vkey" : "";
        var descriptorPath = Path.Combine(dir, AuditBundle.DescriptorFile);
        string? refused = null;
        if (File.Exists(descriptorPath) && NodeId.TryParse(manifest.NodeId, out var node))
        {
            // Only the CA trusted for this node: another agency's CA can issue a certificate that names any node.
            if (trust.For(node) is not { } trusted) refused = $"no {node}.crt in the trust directory ({trust.Describe()})";
            else
            {
                var result = DescriptorVerifier.Verify(BoundedFile.Read(descriptorPath, BoundedFile.MaxDescriptorBytes, "descriptor"), node, new TrustAnchor(trusted.Ca), time.GetUtcNow(), manifest.Origin);
                if (result.Reason == "log-origin-not-bound")
                    throw new AuditFailure("descriptor", $"a log key named after the origin {manifest.Origin}", result.Detail);
                if (!result.Valid) refused = $"{result.Reason} ({result.Detail})";
                else if (result.Descriptor!.LogPublicKey is { } published && ParseKey(published) is { Type: NoteKeyType.Ed25519 } key)
                {
                    if (key.Name != manifest.Origin)
                        throw new AuditFailure("descriptor", $"a log key named after the origin {manifest.Origin}", key.Name);
                    if (!keys.Any(k => k.ToString() == key.ToString())) keys.Add(key);
                    source = $"descriptor signed by {result.Detail}, under the trusted CA {trusted.Ca.Subject}";
                }
            }
        }
        if (keys.Count == 0)
            throw new AuditFailure("log key", $"a key for {manifest.Origin}: the node's descriptor signed under a trusted CA, or a .vkey in the trust directory",
                refused is null ? "neither" : $"a descriptor that does not verify: {refused}");
        return (keys, source);
    }

    private static NoteVerifier ParseKey(string key)
    {
        try { return NoteVerifier.Parse(key); }
        catch (FormatException e) { throw new AuditFailure("descriptor", "a C2SP verifier key as logPublicKey", e.Message); }
    }

    private (InMemoryMerkleNodeStore Store, ulong Size) Entries(string dir, AuditManifest manifest)
    {
        var store = new InMemoryMerkleNodeStore();
        var envelopes = new EnvelopeAudit(trust, Path.Combine(dir, AuditBundle.BlobsFolder));
        var range = CompactRange.Empty;
        var completed = new List<StoredNode>(64);
        ulong expected = 0;
        using var reader = OpenText(dir, AuditBundle.EntriesFile);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var entry = Parse<AuditEntry>(line, $"{AuditBundle.EntriesFile}, entry {expected}");
            var where = $"entry {expected}";
            if (entry.Index != expected)
                throw new AuditFailure(where, $"index {expected}", $"index {entry.Index} (an entry is missing, or entries are out of order)");
            where = $"entry {expected} (event {entry.EventId}, stream {entry.StreamKey}, {entry.EventType})";
            if (entry.Data is not { } data) throw new AuditFailure(where, "the event's data", "none: the event row is missing from the node's database");
            var leaf = Leaf(entry, where, out var recorded, out var stored);
            byte[] recomputed;
            try { recomputed = SHA256.HashData(CanonicalJson.Canonicalize(data.GetRawText())); }
            catch (JsonException e) { throw new AuditFailure(where, "event data in canonicalizable JSON", e.Message); }
            if (!recorded.AsSpan().SequenceEqual(recomputed))
                throw new AuditFailure($"{where}: data digest", $"{Convert.ToHexStringLower(recorded)} (logged)", $"{Convert.ToHexStringLower(recomputed)} recomputed from the exported data: the event's data was altered after it was logged");
            if (leaf != stored)
                throw new AuditFailure($"{where}: leaf hash", $"{stored} (stored in the tree when it was logged)", $"{leaf} recomputed from the entry's fields: the entry was altered or moved after it was logged");
            EnvelopeAudit.RequireEnvelope(entry, where);
            if (entry.EnvelopeSha256 is { } signedContent) envelopes.Check(entry, Convert.FromBase64String(signedContent), where);
            Record?.Entry(entry.EventType, entry.EnvelopeSha256 is not null);
            completed.Clear();
            range = range.Append(leaf, completed);
            store.AddRange(completed);
            expected++;
            if (expected % ProgressEvery == 0) progress.WriteLine($"entries: {expected}/{manifest.TreeSize}");
        }
        if (expected < manifest.TreeSize)
            throw new AuditFailure(AuditBundle.EntriesFile, $"{manifest.TreeSize} entries (the size of the latest checkpoint)", $"{expected}: entries were removed from the end");
        return (store, expected);
    }

    /// <summary>The leaf hash recomputed from the entry's fields, with the logged data digest and the stored leaf hash.</summary>
    private static MerkleHash Leaf(AuditEntry entry, string where, out byte[] dataDigest, out MerkleHash stored)
    {
        try
        {
            dataDigest = Convert.FromBase64String(entry.DataSha256);
            stored = MerkleHash.ParseBase64(entry.LeafHash);
            return LedgerEntry.Create(entry.Index, entry.EventId, entry.StreamKey, entry.EventType,
                DateTimeOffset.UnixEpoch.AddTicks(entry.TimestampMicros * TimeSpan.TicksPerMicrosecond), dataDigest,
                entry.EnvelopeSha256 is { } e ? Convert.FromBase64String(e) : default, entry.EnvelopeSha256 is not null).LeafHash();
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new AuditFailure(where, "a well-formed entry", e.Message);
        }
    }

    private (int Count, (ulong Size, int Cosignatures) Latest) Checkpoints(string dir, AuditManifest manifest, IReadOnlyList<NoteVerifier> logKeys,
        InMemoryMerkleNodeStore store, ulong entries)
    {
        var prover = new MerkleProver(store);
        var witnessKeys = trust.WitnessKeys.ToList();
        Checkpoint? previous = null;
        var count = 0;
        (ulong, int) latest = default;
        var latestLines = 0;
        using var reader = OpenText(dir, AuditBundle.CheckpointsFile);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var stored = Parse<AuditCheckpoint>(line, $"{AuditBundle.CheckpointsFile}, line {count + 1}");
            var where = $"checkpoint #{stored.Id} (size {stored.Size}, signed {stored.SignedAt:u})";
            SignedCheckpoint signed;
            try { signed = SignedCheckpoint.Parse(stored.Note); }
            catch (FormatException e) { throw new AuditFailure(where, "a C2SP signed checkpoint", e.Message); }
            var checkpoint = signed.Checkpoint;
            if (checkpoint.Origin != manifest.Origin) throw new AuditFailure(where, $"origin {manifest.Origin}", checkpoint.Origin);

            var verification = signed.Verify([.. logKeys, .. witnessKeys]);
            if (verification.Result == NoteCheck.InvalidSignature)
                throw new AuditFailure($"{where}: signatures", "every signature by a trusted key to verify", $"an invalid signature by {verification.Failed}");
            if (!verification.Verified.Any(s => logKeys.Any(k => k.Name == s.Name && k.KeyId == s.KeyId)))
                throw new AuditFailure($"{where}: log signature", $"a signature by the trusted log key {string.Join(" or ", logKeys.Select(k => $"{k.Name}+{k.KeyId}"))}",
                    $"signatures by {string.Join(", ", signed.Signatures.Select(s => $"{s.Name}+{s.KeyId}"))} only: re-signed with another key");
            // A witness cosigns the same checkpoint again, with a new timestamp, each time it is asked: lines are not
            // witnesses. The quorum counts distinct trusted keys (name and key id).
            var witnessLines = verification.Verified.Where(s => witnessKeys.Any(k => k.Name == s.Name && k.KeyId == s.KeyId)).ToList();
            var cosignatures = witnessLines.Select(s => (s.Name, s.KeyId)).Distinct().Count();

            if (checkpoint.Size > entries)
                throw new AuditFailure(where, $"a size within the {entries} exported entries", $"{checkpoint.Size}");
            var root = prover.RootAsync(checkpoint.Size).AsTask().GetAwaiter().GetResult();
            if (root != checkpoint.RootHash)
                throw new AuditFailure($"{where}: root", $"{checkpoint.RootHash} (signed)", $"{root} recomputed from the first {checkpoint.Size} entries: the log was rewritten after this checkpoint was signed");
            if (previous is not null)
            {
                var proof = prover.ConsistencyProofAsync(previous.Size, checkpoint.Size).AsTask().GetAwaiter().GetResult();
                var consistent = previous.Size == 0 ? ProofCheck.Valid
                    : MerkleProofs.VerifyConsistency(previous.Size, checkpoint.Size, previous.RootHash, checkpoint.RootHash, proof);
                if (consistent != ProofCheck.Valid)
                    throw new AuditFailure($"{where}: consistency", $"an extension of the previous checkpoint (size {previous.Size})", consistent.ToString());
            }
            Record?.Checkpoint(new Report.CheckpointRecord(stored.Id, checkpoint.Size, stored.SignedAt,
                [.. witnessLines.Select(s => $"{s.Name}+{s.KeyId}").Distinct(StringComparer.Ordinal)],
                [.. verification.Unverified.Select(s => $"{s.Name}+{s.KeyId}")]));
            previous = checkpoint;
            _latest = signed;
            latest = (checkpoint.Size, cosignatures);
            latestLines = witnessLines.Count;
            count++;
        }
        if (previous is null) throw new AuditFailure(AuditBundle.CheckpointsFile, "at least one signed checkpoint", "none");
        if (previous.Size != manifest.TreeSize)
            throw new AuditFailure(AuditBundle.CheckpointsFile, $"a latest checkpoint of size {manifest.TreeSize} (the bundle's)", $"size {previous.Size}");
        if (latest.Item2 < quorum && latestLines >= quorum)
            throw new AuditFailure($"latest checkpoint (size {previous.Size})", $"at least {quorum} cosignatures by distinct trusted witnesses",
                $"{latestLines} cosignature lines by only {latest.Item2} distinct witness keys: one witness's repeated cosignatures count once",
                AuditFailure.WitnessDuplicated);
        if (latest.Item2 < quorum)
            throw new AuditFailure($"latest checkpoint (size {previous.Size})", $"at least {quorum} cosignatures by trusted witnesses",
                $"{latest.Item2} (trusted witness keys: {(witnessKeys.Count == 0 ? "none" : string.Join(", ", witnessKeys.Select(k => k.Name)))})",
                AuditFailure.WitnessQuorum);
        return (count, latest);
    }

    private static StreamReader OpenText(string dir, string file)
    {
        var path = Path.Combine(dir, file);
        return File.Exists(path) ? new StreamReader(path) : throw new AuditFailure(file, "the file in the bundle", "no such file");
    }

    private static T Read<T>(string path, string what) =>
        File.Exists(path) ? Parse<T>(File.ReadAllText(path), what) : throw new AuditFailure(what, "the file in the bundle", "no such file");

    private static T Parse<T>(string json, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, AuditBundle.Json) ?? throw new AuditFailure(what, "a JSON object", "null");
        }
        catch (JsonException e)
        {
            throw new AuditFailure(what, "valid JSON of the bundle format", e.Message);
        }
    }
}

using System.Text.Json;
using Federation.Core.Ledger;

namespace Federation.Core.Audit;

/// <summary>
/// What a node puts in the <c>extra</c> of a one-entry proof (<see cref="TlogProof"/>): the canonical JSON
/// (<see cref="CanonicalJson"/>) of
/// <code>
/// {
///   "format":     "federation-proof-entry/v1",
///   "nodeId":     the node whose log it is,
///   "entry":      the entry as the auditor's API serves it (<see cref="AuditEntry"/>: its leaf fields, the leaf hash
///                 stored in the tree, the event's data, and where its envelope is stored and who signed it),
///   "descriptor": base64 of the node's signed descriptor (CMS), which binds its log key to its agency CA,
///   "blobs":      [{ "sha256": lower-case hex, "content": base64 }]: the envelope the entry commits to and, for a
///                 detached one, its signed content; empty for an entry without an envelope
/// }
/// </code>
/// tlog-proof does not authenticate <c>extra</c>: every field is only a claim until the verifier recomputes the leaf
/// hash from it, proves that leaf in the signed checkpoint, and checks the data and envelope against the leaf's digests.
/// </summary>
public sealed record ProofEntry(string Format, string NodeId, AuditEntry Entry, string Descriptor, IReadOnlyList<ProofBlob> Blobs)
{
    public const string CurrentFormat = "federation-proof-entry/v1";

    /// <summary>An envelope and its detached content: no entry needs more.</summary>
    public const int MaxBlobs = 2;

    public static ProofEntry Create(string nodeId, AuditEntry entry, byte[] descriptor, IEnumerable<(string Sha256, byte[] Content)> blobs) =>
        new(CurrentFormat, nodeId, entry, Convert.ToBase64String(descriptor), [.. blobs.Select(b => new ProofBlob(b.Sha256, Convert.ToBase64String(b.Content)))]);

    /// <summary>The bytes for <c>extra</c>.</summary>
    public byte[] Encode() => CanonicalJson.Canonicalize(JsonSerializer.Serialize(this, AuditBundle.Json));

    /// <summary>Reads <c>extra</c>; throws <see cref="FormatException"/> for anything but this format.</summary>
    public static ProofEntry Decode(ReadOnlySpan<byte> extra)
    {
        ProofEntry? entry;
        try { entry = JsonSerializer.Deserialize<ProofEntry>(extra, AuditBundle.Json); }
        catch (JsonException e) { throw new FormatException($"The extra data is not a {CurrentFormat} object: {e.Message}", e); }
        if (entry is null || entry.Format != CurrentFormat)
            throw new FormatException($"The extra data is not of format {CurrentFormat} (found '{entry?.Format}').");
        if (entry.Entry is null || entry.Descriptor is null || entry.NodeId is null || entry.Blobs is null)
            throw new FormatException("The extra data lacks its entry, node id, descriptor or blobs.");
        if (entry.Blobs.Count > MaxBlobs) throw new FormatException($"{entry.Blobs.Count} blobs; an entry has at most {MaxBlobs}.");
        return entry;
    }

    /// <summary>The blob named <paramref name="sha256"/> as carried (not yet checked against its name), or null.</summary>
    public byte[]? Blob(string sha256) =>
        Blobs.FirstOrDefault(b => b.Sha256 == sha256) is { } blob && TryBase64(blob.Content) is { } bytes ? bytes : null;

    private static byte[]? TryBase64(string? text)
    {
        try { return text is null ? null : Convert.FromBase64String(text); }
        catch (FormatException) { return null; }
    }
}

/// <summary>One blob carried in a proof: its name (SHA-256, lower-case hex) and its bytes in base64.</summary>
public sealed record ProofBlob(string Sha256, string Content);

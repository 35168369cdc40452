using System.Text.Json;
using System.Text.Json.Serialization;

namespace Federation.Core.Audit;

/// <summary>
/// The files of an audit export (<c>fedctl audit export</c>) that <c>fedaudit verify</c> checks offline. A directory:
/// <code>
/// bundle.json        <see cref="AuditManifest"/>
/// descriptor.p7s     the node's signed descriptor (CMS), which binds its log key to its agency CA
/// entries.jsonl      one <see cref="AuditEntry"/> per line, every leaf from index 0 to the tree size, in order
/// checkpoints.jsonl  one <see cref="AuditCheckpoint"/> per line, oldest first, each with its cosignatures
/// </code>
/// </summary>
public static class AuditBundle
{
    public const string Format = "federation-audit/v1";
    public const string ManifestFile = "bundle.json";
    public const string DescriptorFile = "descriptor.p7s";
    public const string EntriesFile = "entries.jsonl";
    public const string CheckpointsFile = "checkpoints.jsonl";
    /// <summary>Folder of the envelopes (and detached contents) the entries name, each file named by its SHA-256.</summary>
    public const string BlobsFolder = "blobs";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        AllowDuplicateProperties = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

/// <summary>What the export covers: the node, its log's origin, and the size of the checkpoint it is anchored on.</summary>
public sealed record AuditManifest(string Format, string NodeId, string Origin, ulong TreeSize, string ExportedFrom, DateTimeOffset ExportedAt);

/// <summary>One leaf as the node served it to its auditor (<c>GET /api/v1/log/entries</c>): the leaf fields, the leaf
/// hash stored in its tree, and the event's data.</summary>
public sealed record AuditEntry(
    ulong Index,
    Guid EventId,
    string StreamKey,
    string EventType,
    long TimestampMicros,
    string DataSha256,
    string? EnvelopeSha256,
    string LeafHash,
    JsonElement? Data,
    AuditEnvelope? Envelope = null);

/// <summary>Where the signed envelope an entry commits to is stored (<see cref="AuditBundle.BlobsFolder"/>), and the
/// node that signed it. Not covered by the leaf — the entry's <c>EnvelopeSha256</c>, the signed content's digest, is.</summary>
public sealed record AuditEnvelope(string Blob, string SignedBy);

/// <summary>A signed checkpoint note with the cosignatures gathered, as stored by the node.</summary>
public sealed record AuditCheckpoint(long Id, DateTimeOffset SignedAt, ulong Size, string Note);

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Federation.Core.Descriptors;

/// <summary>
/// What a node says about itself, signed with its signing certificate and served at <c>GET /federation/v1/node</c>.
/// <see cref="LogPublicKey"/> is the C2SP verifier key of the node's checkpoints (its name is the log's origin) and
/// <see cref="WitnessPublicKey"/> the cosignature/v1 key it witnesses peers' logs with; either is null for a node
/// without a transparency log.
/// </summary>
public sealed record NodeDescriptor(
    string NodeId,
    string DisplayName,
    string Jurisdiction,
    string FederationUrl,
    string SigningCertificate,
    string? LogPublicKey,
    DateTimeOffset IssuedAt,
    string? WitnessPublicKey = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        AllowDuplicateProperties = false, // "last key wins" would let a payload say two things
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The bytes that are signed. Property order is fixed by the record, so encoding is deterministic.</summary>
    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static NodeDescriptor Decode(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<NodeDescriptor>(utf8, Json) ?? throw new JsonException("empty descriptor");
}

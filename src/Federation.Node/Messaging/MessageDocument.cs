using System.Text.Json;
using System.Text.Json.Serialization;
using Federation.Core.Identity;

namespace Federation.Node.Messaging;

/// <summary>
/// The signed content of a message envelope (docs/formats.md §4): UTF-8 JSON naming the kind, the message id, sender,
/// recipients, creation and expiry, and a typed body. Everything a receiver acts on is in here, signed; nothing is
/// taken from the feed's unsigned metadata.
/// </summary>
public sealed record MessageDocument(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] IReadOnlyList<string> To,
    [property: JsonPropertyName("created")] DateTimeOffset Created,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("body")] JsonElement Body)
{
    public const int CurrentVersion = 1;
    public const int MaxRecipients = 1000;

    private static readonly JsonSerializerOptions Options = new() { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    /// <summary>Parses and checks the document's own shape; the receiver checks it against the delivery.</summary>
    /// <exception cref="FormatException">Not a well-formed version 1 message document.</exception>
    public static MessageDocument Parse(ReadOnlySpan<byte> utf8)
    {
        MessageDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize<MessageDocument>(utf8, Options);
        }
        catch (JsonException e)
        {
            throw new FormatException("the message is not the expected JSON: " + e.Message, e);
        }
        if (doc is null) throw new FormatException("the message is JSON null");
        if (doc.Version != CurrentVersion) throw new FormatException($"message format version {doc.Version}; this node reads version {CurrentVersion}");
        if (doc.Kind is null || doc.Id is null || doc.From is null || doc.To is null || doc.Type is null)
            throw new FormatException("the message lacks one of kind, id, from, to, type");
        if (doc.Id.Length is 0 or > 200 || doc.Id.Any(char.IsControl)) throw new FormatException("the message id must be 1–200 characters without control characters");
        if (!NodeId.TryParse(doc.From, out _)) throw new FormatException($"'from' is not a node id: {doc.From}");
        if (doc.To.Count is 0 or > MaxRecipients || doc.To.Any(t => !NodeId.TryParse(t, out _)) || doc.To.Distinct(StringComparer.Ordinal).Count() != doc.To.Count)
            throw new FormatException($"'to' must name 1 to {MaxRecipients} distinct node ids");
        if (doc.Body.ValueKind == JsonValueKind.Undefined) throw new FormatException("the message has no body");
        if (doc.Expires <= doc.Created) throw new FormatException("the message expires before it was created");
        return doc;
    }
}

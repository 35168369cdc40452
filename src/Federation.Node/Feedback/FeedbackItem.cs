using System.Text.Json;
using System.Text.Json.Serialization;

namespace Federation.Node.Feedback;

/// <summary>
/// What travels to the origin node: the verdict of the sending agency (<see cref="From"/>) on one entry of one of the
/// origin's lists. Signed by the sender's node key as a whole; the origin checks that the signer is <see cref="From"/>.
/// </summary>
public sealed record FeedbackItem(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("origin")] string Origin,
    [property: JsonPropertyName("list")] string ListId,
    [property: JsonPropertyName("signal")] string Signal,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("note")] string? Note,
    [property: JsonPropertyName("at")] DateTimeOffset At)
{
    public const string Kind = "feedback";
    public const int MaxBytes = 16 * 1024;

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <exception cref="FormatException">Not a feedback item, or larger than <see cref="MaxBytes"/>.</exception>
    public static FeedbackItem Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes) throw new FormatException($"a feedback item is at most {MaxBytes} bytes");
        try
        {
            return JsonSerializer.Deserialize<FeedbackItem>(bytes, Strict) is { Id: not null, From: not null, Origin: not null, ListId: not null, Signal: not null, Value: not null, Verdict: not null } item
                ? item
                : throw new FormatException("a feedback item lacks a required field");
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a feedback item: {e.Message}", e);
        }
    }

    private static readonly JsonSerializerOptions Strict = new() { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
}

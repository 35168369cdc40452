using System.Text.Json;
using System.Text.Json.Serialization;

namespace Federation.Node.Feedback;

/// <summary>
/// The body of a feedback message (the message document names sender, recipient and time, and is what is signed):
/// the verdict on one entry of one of the recipient's lists.
/// </summary>
public sealed record FeedbackBody(
    [property: JsonPropertyName("origin")] string Origin,
    [property: JsonPropertyName("list")] string ListId,
    [property: JsonPropertyName("signal")] string Signal,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("note")] string? Note)
{
    /// <summary>The message document's <c>type</c>.</summary>
    public const string Type = "entry.feedback";

    private static readonly JsonSerializerOptions Strict = new() { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, Strict);

    /// <exception cref="FormatException">Not a feedback body.</exception>
    public static FeedbackBody Parse(JsonElement body)
    {
        try
        {
            return body.Deserialize<FeedbackBody>(Strict) is { Origin: not null, ListId: not null, Signal: not null, Value: not null, Verdict: not null } parsed
                ? parsed
                : throw new FormatException("a feedback body needs origin, list, signal, value and verdict");
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a feedback body: {e.Message}", e);
        }
    }
}

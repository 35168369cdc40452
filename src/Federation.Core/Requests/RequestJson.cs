using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Federation.Core.Identity;

namespace Federation.Core.Requests;

/// <summary>
/// The one JSON shape of requests, steps and cases: camelCase, kebab-case enum names, nulls written out (so that
/// every constructor parameter without a default is required on reading, and a missing field is an error). Both the
/// agency API and the signed case messages use it, so a body is the same text everywhere.
/// </summary>
public static class RequestJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        options.Converters.Add(new NodeIdJsonConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The kebab-case wire name of an enum value.</summary>
    public static string Name<T>(T value) where T : struct, Enum
    {
        var member = typeof(T).GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static);
        return member?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? value.ToString();
    }

    private sealed class NodeIdJsonConverter : JsonConverter<NodeId>
    {
        public override NodeId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            NodeId.TryParse(reader.GetString(), out var id) ? id : throw new JsonException("not a node id");

        public override void Write(Utf8JsonWriter writer, NodeId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }
}

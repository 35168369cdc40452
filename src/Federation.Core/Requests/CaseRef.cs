using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Federation.Core.Identity;

namespace Federation.Core.Requests;

/// <summary>
/// The federation case reference both nodes share (the e-CODEX conversation id): the requesting node, the day it
/// was drafted and ten random base-32 characters, e.g. <c>kr-knpa.20260301.k3m9p2q7xz</c>. It is safe in a URL
/// path and names its origin, so a peer can tell at once which node opened the case.
/// </summary>
[JsonConverter(typeof(CaseRefJsonConverter))]
public readonly record struct CaseRef
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public string Value { get; }

    public NodeId Origin { get; }

    private CaseRef(string value, NodeId origin) => (Value, Origin) = (value, origin);

    public static CaseRef New(NodeId origin, DateTimeOffset at)
    {
        Span<char> random = stackalloc char[10];
        for (var i = 0; i < random.Length; i++) random[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return new CaseRef($"{origin}.{at.UtcDateTime:yyyyMMdd}.{random}", origin);
    }

    public static CaseRef Parse(string value) =>
        TryParse(value, out var parsed) ? parsed : throw new FormatException($"'{value}' is not a case reference (<node>.<yyyymmdd>.<10 characters>)");

    public static bool TryParse([NotNullWhen(true)] string? value, out CaseRef parsed)
    {
        parsed = default;
        var parts = value?.Split('.');
        if (parts is not [var node, var day, var random]) return false;
        if (!NodeId.TryParse(node, out var origin)) return false;
        if (day.Length != 8 || !day.All(char.IsAsciiDigit)) return false;
        if (random.Length != 10 || !random.All(c => Alphabet.Contains(c))) return false;
        parsed = new CaseRef(value!, origin);
        return true;
    }

    public override string ToString() => Value ?? "";
}

internal sealed class CaseRefJsonConverter : JsonConverter<CaseRef>
{
    public override CaseRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        CaseRef.TryParse(reader.GetString(), out var parsed) ? parsed : throw new JsonException("not a case reference");

    public override void Write(Utf8JsonWriter writer, CaseRef value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Federation.Core.Requests;

namespace Federation.Node.Console.Requests;

/// <summary>
/// How the console asks for request fields and action bodies. The names are the JSON names of the agency API
/// (<see cref="RequestDetails"/>, the action bodies of <c>RequestsApi.ActionsDescription</c>), so a form turns into
/// exactly the body the API would take, and <see cref="RequestDesk"/> applies the same rules to it.
/// </summary>
public static class RequestFields
{
    public enum Kind { Text, Area, Lines, Identifiers, Categories, DateTime, Date, Check, Choice, Number }

    public sealed record Field(string Name, Kind Kind, IReadOnlyList<string>? Choices = null);

    /// <summary>Every details field the profiles can require, in the order the form shows them.</summary>
    public static readonly IReadOnlyList<Field> Details =
    [
        new("issuingAuthority", Kind.Text), new("description", Kind.Area), new("legalProvisions", Kind.Lines),
        new("offenceCategory", Kind.Choice, ["deepfake-ncii", "ncii", "csam", "sextortion"]),
        new("factsSummary", Kind.Area), new("necessityProportionality", Kind.Area), new("serviceProvider", Kind.Text),
        new("identifiers", Kind.Identifiers), new("dataCategories", Kind.Categories, ["subscriber", "identification-ip", "traffic", "content"]),
        new("timeFrom", Kind.DateTime), new("timeTo", Kind.DateTime),
        new("emergencyBasis", Kind.Choice, ["life", "physical-integrity", "safety", "critical-infrastructure"]), new("emergencyFacts", Kind.Area),
        new("custodian", Kind.Text), new("followUpIntended", Kind.Check),
        new("requestedAction", Kind.Choice, ["remove", "disable-access", "geo-block", "preserve-then-remove"]), new("illegalityBasis", Kind.Text),
        new("mlaReference", Kind.Text), new("handlingCode", Kind.Choice, ["H0", "H1", "H2", "H3"]),
    ];

    /// <summary>What each action asks for (none for submit, approve, send, resume, preserve, extend, co-sign-refusal).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<Field>> ActionBodies = new Dictionary<string, IReadOnlyList<Field>>
    {
        ["return"] = [new("reason", Kind.Area)],
        ["validate"] = [new("validatorRef", Kind.Text)],
        ["acknowledge"] = [new("responderRef", Kind.Text)],
        ["request-information"] = [new("reason", Kind.Area)],
        ["answer"] = [new("note", Kind.Area)],
        ["accept"] = [new("conditions", Kind.Area)],
        ["postpone"] = [new("reason", Kind.Area), new("reviewOn", Kind.Date)],
        ["refuse"] = [new("ground", Kind.Choice, Enum.GetValues<RefusalGround>().Select(Json).ToList()), new("reasons", Kind.Area)],
        ["release"] = [new("reason", Kind.Area)],
        ["respond"] = [new("sha256", Kind.Text), new("size", Kind.Number), new("label", Kind.Text)],
        ["withdraw"] = [new("reason", Kind.Area)],
        ["ask-use"] = [new("question", Kind.Area)],
        ["explain-use"] = [new("explanation", Kind.Area)],
        ["rectify-response"] = [new("reason", Kind.Area), new("sha256", Kind.Text), new("size", Kind.Number), new("label", Kind.Text)],
        ["restrict"] = [new("kind", Kind.Choice, Enum.GetValues<RestrictionKind>().Select(Json).ToList()), new("reason", Kind.Area)],
        ["confirm-deletion"] = [new("note", Kind.Area)],
        ["close"] = [new("reason", Kind.Area)],
        ["audit-note"] = [new("finding", Kind.Area)],
        ["archive"] = [new("reason", Kind.Area)],
    };

    /// <summary>Optional action fields: the others are required by the action.</summary>
    public static readonly IReadOnlySet<string> OptionalActionFields = new HashSet<string> { "validatorRef", "conditions" };

    /// <summary>The API's JSON name of an enum value (e.g. <c>police-info</c>).</summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value, RequestJson.Options).Trim('"');

    public static T FromJson<T>(string text) => JsonSerializer.Deserialize<T>($"\"{text}\"", RequestJson.Options)!;

    /// <summary>The enum value whose API name is <paramref name="text"/>, or null.</summary>
    public static T? FromJsonOrNull<T>(string text) where T : struct
    {
        try
        {
            return JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(text), RequestJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The details a draft form holds, as the API's JSON object; blank fields are left out.</summary>
    public static JsonObject DetailsJson(IFormCollection form)
    {
        var json = new JsonObject();
        foreach (var f in Details)
        {
            var text = form[f.Name].ToString().Trim();
            switch (f.Kind)
            {
                case Kind.Lines when text.Length > 0:
                    json[f.Name] = new JsonArray([.. Lines(text).Select(l => (JsonNode)l)]);
                    break;
                case Kind.Identifiers when text.Length > 0:
                    // "kind value" a line, e.g. "url https://…" or "username someone".
                    json[f.Name] = new JsonArray([.. Lines(text).Select(l => l.Split(' ', 2, StringSplitOptions.TrimEntries))
                        .Select(p => (JsonNode)new JsonObject { ["kind"] = p[0], ["value"] = p.Length > 1 ? p[1] : "" })]);
                    break;
                case Kind.Categories when form[f.Name].Count > 0:
                    json[f.Name] = new JsonArray([.. form[f.Name].Select(v => (JsonNode)v!)]);
                    break;
                case Kind.DateTime when text.Length > 0:
                    // datetime-local carries no zone: the form says UTC.
                    if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
                        json[f.Name] = new DateTimeOffset(at, TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture);
                    break;
                case Kind.Check:
                    if (text is "true" or "on") json[f.Name] = true;
                    break;
                default:
                    if (text.Length > 0) json[f.Name] = text;
                    break;
            }
        }
        // Hash references come from a Match hit (hidden fields, one reference each), not typed: the New page refuses
        // the form outright when one does not parse, so none is dropped here silently.
        var refs = form[HashRefsField].Select(t => HashRefText.TryParse(t, out var r) ? r : null).OfType<HashReference>().ToList();
        if (refs.Count > 0) json[HashRefsField] = JsonSerializer.SerializeToNode(refs, RequestJson.Options);
        return json;
    }

    /// <summary>The API's name of <see cref="RequestDetails.HashRefs"/>, also the form field of each reference.</summary>
    public const string HashRefsField = "hashRefs";

    /// <summary>An action's body from its form fields.</summary>
    public static JsonObject ActionJson(string action, IFormCollection form)
    {
        var json = new JsonObject();
        foreach (var f in ActionBodies.GetValueOrDefault(action) ?? [])
        {
            var text = form[f.Name].ToString().Trim();
            if (text.Length == 0) continue;
            json[f.Name] = f.Kind == Kind.Number && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : text;
        }
        if (action == "respond")
            json = new JsonObject { ["manifest"] = new JsonObject { ["items"] = new JsonArray(json) } };
        if (action == "rectify-response")
        {
            // The corrected manifest, one item as for a response; the reason stays beside it.
            var reason = json["reason"]?.DeepClone();
            json.Remove("reason");
            json = new JsonObject { ["reason"] = reason, ["manifest"] = new JsonObject { ["items"] = new JsonArray(json) } };
        }
        return json;
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

using System.Collections.Frozen;
using Federation.Node.Security;

namespace Federation.Node.Console;

/// <summary>
/// The console's stylesheet and script, embedded in the assembly and served behind the same person policy as the
/// pages (no anonymous static-file middleware on the agency port). Content-addressed by a version query so they can
/// be cached for long.
/// </summary>
public static class ConsoleAssets
{
    private static readonly FrozenDictionary<string, (byte[] Bytes, string Type)> Files = Load();

    /// <summary>A short digest of all assets, appended to their URLs so a new build is fetched at once.</summary>
    public static readonly string Version = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        Files.OrderBy(f => f.Key, StringComparer.Ordinal).SelectMany(f => f.Value.Bytes).ToArray()))[..12];

    public static string Url(string name) => $"{ConsoleSetup.PathPrefix}/assets/{name}?v={Version}";

    public static void MapConsoleAssets(this IEndpointRouteBuilder app) =>
        app.MapGet(ConsoleSetup.PathPrefix + "/assets/{name}", (string name, HttpContext http) =>
        {
            if (!Files.TryGetValue(name, out var file)) return Results.NotFound();
            http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
            return Results.Bytes(file.Bytes, file.Type);
        }).RequireAuthorization(Policies.Person).ExcludeFromDescription();

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        const string prefix = "console-assets/";
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var name = resource[prefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                _ => "application/octet-stream",
            };
            files[name] = (buffer.ToArray(), type);
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

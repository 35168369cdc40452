using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Federation.Cli.Hosting;
using Federation.Core.Identity;
using Federation.Core.Releases;

namespace Federation.Cli.Lists;

/// <summary><c>fedctl list publish|entries</c>: hash lists through a node's agency API, as one of its people.</summary>
internal static class ListNodeCommands
{
    public static readonly string[] ConnectionOptions = ["node", "cert", "key", "ca"];

    /// <summary>Publishes a release from CSV, creating the list on first use; prints the version and digest.</summary>
    public static async Task<int> Publish(CliArgs a, TextWriter stdout, TimeProvider time)
    {
        var list = a.Required("list");
        if (!ListId.TryParse(list, out _)) throw new CliException($"--list: '{list}' is not a valid list id", 2);
        var input = a.Required("in");
        if (!File.Exists(input)) throw new CliException($"--in: {input} does not exist");
        using var node = NodeConnection.Open(a, time);

        using (var create = await node.SendAsync(HttpMethod.Post, "api/v1/lists", JsonContent.Create(new
        {
            id = list,
            title = a.Optional("title") ?? list,
            audience = a.Optional("audience") ?? Audience.AllPeersText,
            tlp = a.Optional("tlp") ?? "AMBER",
        })))
        {
            if (create.StatusCode != HttpStatusCode.Created && create.StatusCode != HttpStatusCode.Conflict)
                throw await NodeConnection.ProblemAsync(create);
        }

        await using var csv = File.OpenRead(input);
        var body = new StreamContent(csv);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        var query = a.Optional("expires") is { } e ? "?expires=" + Uri.EscapeDataString(e) : "";
        using var response = await node.SendAsync(HttpMethod.Post, $"api/v1/lists/{list}/releases{query}", body);
        if (response.StatusCode != HttpStatusCode.Created) throw await NodeConnection.ProblemAsync(response);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var r = doc.RootElement;
        stdout.WriteLine($"published {r.GetProperty("origin").GetString()}/{r.GetProperty("listId").GetString()} version {r.GetProperty("version").GetInt64()} " +
            $"sha256 {r.GetProperty("digest").GetString()} ({r.GetProperty("added").GetInt64()} added, {r.GetProperty("withdrawn").GetInt64()} withdrawn)");
        return 0;
    }

    /// <summary>Writes the active entries of a list, as the node holds it, as CSV (every page).</summary>
    public static async Task<int> Entries(CliArgs a, TextWriter stdout, TimeProvider time)
    {
        var list = a.Required("list");
        var origin = a.Required("origin");
        if (!ListId.TryParse(list, out _)) throw new CliException($"--list: '{list}' is not a valid list id", 2);
        if (!NodeId.TryParse(origin, out _)) throw new CliException($"--origin: '{origin}' is not a valid node id", 2);
        using var node = NodeConnection.Open(a, time);
        string? after = null;
        var first = true;
        do
        {
            var path = $"api/v1/lists/{origin}/{list}/entries?limit=10000{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}";
            using var page = await node.SendAsync(HttpMethod.Get, path);
            if (page.StatusCode != HttpStatusCode.OK) throw await NodeConnection.ProblemAsync(page);
            var lines = (await page.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            foreach (var line in first ? lines : lines.Skip(1)) stdout.WriteLine(line);
            first = false;
            after = page.Headers.TryGetValues("X-Next-After", out var next) ? next.Single() : null;
        } while (after is not null);
        return 0;
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Federation.Node.Audit;
using Federation.Node.Matching;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests.Support;

/// <summary>Test steps on matching: the PDQ vector images, waiting for a node's index, matching as a node's person.</summary>
public static class MatchSteps
{
    /// <summary>The reference PDQ hash of <c>bridge-mods/aaa-orig.jpg</c> (Vectors/README.md).</summary>
    public const string BridgePdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    public static byte[] Image(string name) =>
        File.ReadAllBytes(Path.Combine(Repo.Root, "tests", "Federation.Node.Tests", "Vectors", "pdq", "upstream", "pdq", "data", "bridge-mods", name));

    /// <summary>Waits until the node's match index reflects <paramref name="version"/> of the list (it follows commits asynchronously).</summary>
    public static async Task WaitForIndexAsync(TestNode node, string origin, string list, long version)
    {
        var index = node.Services.GetRequiredService<EntryIndex>();
        await index.Loaded.WaitAsync(TimeSpan.FromSeconds(30));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await index.VersionsAsync(CancellationToken.None)).GetValueOrDefault($"{origin}/{list}") < version)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{node.NodeId}'s match index did not reach {origin}/{list} v{version}");
            await Task.Delay(50);
        }
    }

    public static HttpClient Person(TestNode node, string role, string? justification = "case 2026-113: seized phone")
    {
        var client = Clients.DevPerson(node.NodeId, role, node);
        if (justification is not null) client.DefaultRequestHeaders.Add(Justification.Header, justification);
        return client;
    }

    public static MultipartFormDataContent Files(params (string Name, byte[] Bytes, string ContentType)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes, type) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(part, "files", name);
        }
        return form;
    }

    public static Task<HttpResponseMessage> HashesAsync(HttpClient client, params (string Signal, string Value)[] hashes) =>
        client.PostAsJsonAsync("api/v1/match", new { hashes = hashes.Select(h => new { signal = h.Signal, value = h.Value }) });

    public static async Task<MatchAnswer> AnswerAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonSerializer.Deserialize<MatchAnswer>(body, JsonSerializerOptions.Web)!;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Federation.Core.Identity;
using Federation.Node.Sync;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Federation.Node.Tests.Support;

/// <summary>Test steps on lists: create and publish as a node's officer, pull as a node, read what a node holds.</summary>
public static class ListSteps
{
    public static async Task CreateAsync(TestNode node, string list, string audience)
    {
        using var officer = Clients.DevPerson(node.NodeId, "officer", node);
        using var response = await officer.PostAsJsonAsync("api/v1/lists", new { id = list, title = list, audience, tlp = "AMBER" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>Publishes and returns the release's SHA-256.</summary>
    public static async Task<string> PublishAsync(TestNode node, string list, string csv, string? expires = null)
    {
        using var officer = Clients.DevPerson(node.NodeId, "officer", node);
        var query = expires is null ? "" : $"?expires={expires}";
        using var response = await officer.PostAsync($"api/v1/lists/{list}/releases{query}", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("digest").GetString()!;
    }

    public static string Csv(params string[] rows) => "signal,value,classification\n" + string.Join("", rows.Select(r => r + "\n"));

    public static string Md5Row(int i, string classification = "ncii") =>
        $"md5,{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(BitConverter.GetBytes(i)))},{classification}";

    public static Task<PeerSync.Outcome> PullAsync(TestNode node, TestNode from, int maxPages = int.MaxValue, int pageSize = PeerSync.DefaultPageSize)
    {
        var s = node.Services;
        var sync = new PeerSync(s.GetRequiredService<Hosting.NodeSettingsMonitor>(), s.GetRequiredService<Peers.PeerClient>(),
            s.GetRequiredService<Marten.IDocumentStore>(), s.GetRequiredService<NpgsqlDataSource>(), s.GetRequiredService<ItemReceiver>(), s.GetRequiredService<TimeProvider>(),
            s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<PeerSync>>()) { PageSize = pageSize };
        return sync.SyncAsync(NodeId.Parse(from.NodeId), force: true, maxPages, CancellationToken.None);
    }

    /// <summary>The active entries a node holds for a list, as "signal:hex" strings.</summary>
    public static async Task<List<string>> ActiveAsync(TestNode node, string origin, string list)
    {
        await using var conn = new NpgsqlConnection(node.OwnerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT signal, encode(value, 'hex') FROM fed.active_entries WHERE origin = $1 AND list_id = $2 ORDER BY signal, value", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = origin });
        cmd.Parameters.Add(new NpgsqlParameter { Value = list });
        var rows = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add($"{r.GetInt16(0)}:{r.GetString(1)}");
        return rows;
    }

    public static async Task<long> ScalarAsync(TestNode node, string sql, params object[] args) =>
        Convert.ToInt64(await ScalarObjectAsync(node, sql, args), System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<string> ScalarTextAsync(TestNode node, string sql, params object[] args) =>
        (string)(await ScalarObjectAsync(node, sql, args))!;

    private static async Task<object?> ScalarObjectAsync(TestNode node, string sql, object[] args)
    {
        await using var conn = new NpgsqlConnection(node.OwnerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        return await cmd.ExecuteScalarAsync();
    }
}

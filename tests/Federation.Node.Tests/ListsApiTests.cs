using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Federation.Node.Tests.Support;
using Npgsql;

namespace Federation.Node.Tests;

/// <summary>Publishing hash-list releases through the agency API, and reading the catalogue and entries back.</summary>
public sealed class ListsApiTests(ListsApiTests.Node fixture) : IClassFixture<ListsApiTests.Node>
{
    public sealed class Node : IAsyncLifetime
    {
        public TestNode Kr { get; } = new("kr-knpa") { Customize = c => c["Node"]!["Lists"] = new System.Text.Json.Nodes.JsonObject { ["MaxUploadBytes"] = 1_000_000 } };
        public Task InitializeAsync() => Kr.StartAsync();
        public Task DisposeAsync() => Kr.DisposeAsync().AsTask();
    }

    private TestNode Kr => fixture.Kr;

    private const string Csv = """
        signal,value,classification,legal_basis,tags
        sha256,9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08,csam,KR-APCSA-11,video
        md5,098f6bcd4621d373cade4e832627b4f6,deepfake-ncii,,
        pdq,f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,deepfake-ncii,,reviewed
        """;

    [Fact]
    public async Task An_officer_creates_a_list_publishes_two_releases_and_reads_the_entries_back()
    {
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        await CreateList(officer, "ncii-a", "all-peers");

        using var first = await Publish(officer, "ncii-a", Csv);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using var v1 = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        Assert.Equal(1, v1.RootElement.GetProperty("version").GetInt64());
        Assert.Equal(3, v1.RootElement.GetProperty("added").GetInt64());
        var digest1 = v1.RootElement.GetProperty("digest").GetString()!;

        using var second = await Publish(officer, "ncii-a", "signal,value,classification\nmd5,098f6bcd4621d373cade4e832627b4f6,-withdraw\n");
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        using var v2 = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal(2, v2.RootElement.GetProperty("version").GetInt64());
        Assert.Equal(1, v2.RootElement.GetProperty("withdrawn").GetInt64());

        var entries = await officer.GetStringAsync("api/v1/lists/kr-knpa/ncii-a/entries");
        var lines = entries.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("signal,value,classification,legal_basis,tags", lines[0]);
        Assert.Equal(["sha256,9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,csam,KR-APCSA-11,video",
                      "pdq,f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,deepfake-ncii,,reviewed"], lines[1..]);

        using var catalogue = JsonDocument.Parse(await officer.GetStringAsync("api/v1/lists"));
        var list = Assert.Single(catalogue.RootElement.EnumerateArray(), l => l.GetProperty("listId").GetString() == "ncii-a");
        Assert.Equal(2, list.GetProperty("version").GetInt64());
        Assert.Equal(2, list.GetProperty("activeEntries").GetInt64());

        using var releases = JsonDocument.Parse(await officer.GetStringAsync("api/v1/lists/kr-knpa/ncii-a/releases"));
        var chain = releases.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, chain.Count);
        Assert.Equal(digest1, chain[1].GetProperty("previousSha256").GetString());
        Assert.Equal("urn:federation:person:kr-knpa:officer", chain[0].GetProperty("by").GetString());

        // The signed release and its signature are stored as content-addressed blobs and announced in the feed.
        Assert.Equal(2, await Count($"SELECT count(*) FROM fed.feed WHERE item_id LIKE 'kr-knpa/ncii-a/%'"));
        Assert.Equal(1, await Count($"SELECT count(*) FROM fed.blobs WHERE sha256 = '{digest1}'"));
    }

    [Fact]
    public async Task Entries_are_paged_in_canonical_order_with_a_cursor()
    {
        using var op = Clients.DevPerson("kr-knpa", "operator", Kr);
        await CreateList(op, "paged", "all-peers");
        var csv = new StringBuilder("signal,value,classification\n");
        for (var i = 0; i < 25; i++) csv.Append("md5,").Append(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(BitConverter.GetBytes(i)))).Append(",ncii\n");
        using (var r = await Publish(op, "paged", csv.ToString())) Assert.Equal(HttpStatusCode.Created, r.StatusCode);

        var seen = new List<string>();
        string? after = null;
        do
        {
            using var page = await op.GetAsync($"api/v1/lists/kr-knpa/paged/entries?limit=10{(after is null ? "" : "&after=" + after)}");
            seen.AddRange((await page.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
            after = page.Headers.TryGetValues("X-Next-After", out var next) ? next.Single() : null;
        } while (after is not null);
        Assert.Equal(25, seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
    }

    public static TheoryData<string, string> BadCsv => new()
    {
        { "signal,value,classification\nsha256,zz86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,csam\n", "line 2" },
        { "signal,value,classification\nmd5,098f6bcd4621d373cade4e832627b4f,csam\n", "line 2" },
        { "signal,value,classification\nmd5,098f6bcd4621d373cade4e832627b4f6,csam\nsha1,a94a8fe5ccb19ba61c4c0873d391e987982fbbd3,csam\n", "line 3" },
        { "", "line 1" },
    };

    [Theory]
    [MemberData(nameof(BadCsv))]
    public async Task A_bad_csv_is_refused_naming_the_line_and_nothing_is_stored(string csv, string line)
    {
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        var list = "bad-" + Guid.NewGuid().ToString("N")[..8];
        await CreateList(officer, list, "all-peers");
        var before = await Totals();

        using var response = await Publish(officer, list, csv);

        Assert.Equal("csv-invalid", await ProblemReason.Of(response, HttpStatusCode.BadRequest));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(line, problem.RootElement.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Equal(before, await Totals());
    }

    [Fact]
    public async Task An_upload_over_the_configured_limit_is_refused_with_413_and_nothing_is_stored()
    {
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        await CreateList(officer, "too-big", "all-peers");
        var before = await Totals();
        var garbage = new string('x', 2_000_000);

        using var response = await Publish(officer, "too-big", garbage);

        Assert.Equal("upload-too-large", await ProblemReason.Of(response, HttpStatusCode.RequestEntityTooLarge));
        Assert.Equal(before, await Totals());
    }

    [Fact]
    public async Task An_auditor_may_read_but_not_publish_and_a_peer_list_cannot_be_published_here()
    {
        using var auditor = Clients.DevPerson("kr-knpa", "auditor", Kr);
        using var refused = await auditor.PostAsJsonAsync("api/v1/lists", new { id = "x", title = "x" });
        Assert.Equal("role-required", await ProblemReason.Of(refused, HttpStatusCode.Forbidden));
        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        using var missing = await Publish(officer, "never-created", Csv);
        Assert.Equal("list-not-found", await ProblemReason.Of(missing, HttpStatusCode.NotFound));
    }

    private static async Task CreateList(HttpClient client, string id, string audience)
    {
        using var response = await client.PostAsJsonAsync("api/v1/lists", new { id, title = $"Test list {id}", audience, tlp = "AMBER" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static Task<HttpResponseMessage> Publish(HttpClient client, string list, string csv) =>
        client.PostAsync($"api/v1/lists/{list}/releases", new StringContent(csv.Replace("\r\n", "\n", StringComparison.Ordinal), Encoding.UTF8, "text/csv"));

    private async Task<(long, long, long, long)> Totals() =>
        (await Count("SELECT count(*) FROM fed.blobs"), await Count("SELECT count(*) FROM fed.feed"),
         await Count("SELECT count(*) FROM fed.active_entries"), await Count("SELECT count(*) FROM fed.mt_events WHERE type = 'release_published'"));

    private async Task<long> Count(string sql)
    {
        await using var conn = new NpgsqlConnection(Kr.OwnerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

using System.Security.Claims;
using System.Text;
using Federation.Core.Identity;
using Federation.Core.Releases;
using Federation.Node.Hosting;
using Federation.Node.Security;
using Marten;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Federation.Node.Lists;

/// <summary>Hash lists on the agency API: the catalogue, creating a list, publishing a release from CSV, reading
/// a list's releases and active entries.</summary>
public static class ListsApi
{
    public const int MaxPage = 10_000;

    public static void MapListsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/lists").RequireAuthorization(Policies.Person).WithTags("Lists");
        api.MapGet("/", Catalogue).WithSummary("Every list this node holds, its own and its peers'.");
        api.MapPost("/", Create).RequireAuthorization(Policies.OfficerOrOperator).WithSummary("Create one of this node's lists.");
        api.MapPost("/{listId}/releases", Publish).RequireAuthorization(Policies.OfficerOrOperator).RefusedAs("the release was not published")
            .Accepts<string>("text/csv").WithSummary("Publish a release of one of this node's lists from CSV (signal,value,classification,legal_basis,tags).");
        api.MapGet("/{origin}/{listId}/releases", Releases).WithSummary("The releases of a list, oldest first.");
        api.MapGet("/{origin}/{listId}/entries", Entries).WithSummary("A page of a list's active entries as CSV, in canonical order.");
    }

    public sealed record CreateList(string Id, string Title, string? Audience, string? Tlp);

    private static async Task<Ok<IReadOnlyList<HashList>>> Catalogue(IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(await session.Query<HashList>().OrderBy(l => l.Id).ToListAsync(ct));

    private static async Task<Results<Created<HashList>, ProblemHttpResult>> Create(CreateList body, ClaimsPrincipal user, NodeSettingsMonitor settings, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        if (!ListId.TryParse(body.Id, out var id))
            return Problems.Result(400, "list-id-invalid", $"'{body.Id}' is not a valid list id");
        if (string.IsNullOrWhiteSpace(body.Title) || body.Title.Length > 200)
            return Problems.Result(400, "title-invalid", "a title of 1 to 200 characters is required");
        Audience audience;
        TlpLabel tlp;
        try
        {
            audience = Audience.Parse(body.Audience ?? Audience.AllPeersText);
            tlp = TlpLabel.Parse(body.Tlp ?? "AMBER");
        }
        catch (FormatException e)
        {
            return Problems.Result(400, "list-invalid", e.Message);
        }
        var origin = settings.Current.NodeId.Value;
        var key = HashList.Key(origin, id.Value);
        if (await session.LoadAsync<HashList>(key, ct) is not null)
            return Problems.Result(409, "list-exists", $"list '{id}' exists already");
        var now = time.GetUtcNow();
        var list = new HashList(key, origin, id.Value, body.Title, audience.ToString(), tlp.Name, 0, null, null, 0, now, null);
        session.Events.StartStream(HashList.Stream(origin, id.Value), new HashListCreated(origin, id.Value, body.Title, list.Audience, list.Tlp, user.Identity!.Name!, now));
        session.Store(list);
        await session.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/lists/{origin}/{id}/releases", list);
    }

    private static async Task<Results<Created<ReleasePublisher.Published>, ProblemHttpResult>> Publish(string listId, HttpContext http, ClaimsPrincipal user, ReleasePublisher publisher, ListsOptions options, string? expires, CancellationToken ct)
    {
        if (!ListId.TryParse(listId, out var id)) return Problems.Result(400, "list-id-invalid", $"'{listId}' is not a valid list id");
        if (http.Request.ContentLength > options.MaxUploadBytes)
            return Problems.Result(413, "upload-too-large", $"the upload is larger than {options.MaxUploadBytes} bytes");
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = options.MaxUploadBytes;
        var lifetime = TimeSpan.FromDays(options.DefaultLifetimeDays);
        if (expires is not null)
        {
            if (!expires.EndsWith('d') || !int.TryParse(expires[..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days) || days is < 1 or > 3650)
                return Problems.Result(400, "expires-invalid", "expires must be a number of days such as 30d (1d to 3650d)");
            lifetime = TimeSpan.FromDays(days);
        }
        try
        {
            var published = await publisher.PublishAsync(id, http.Request.Body, lifetime, user.Identity!.Name!, ct);
            return TypedResults.Created($"/api/v1/lists/{published.Origin}/{published.ListId}/releases", published);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.Result(413, "upload-too-large", $"the upload is larger than {options.MaxUploadBytes} bytes");
        }
    }

    private static async Task<Results<Ok<List<ReleasePublished>>, ProblemHttpResult>> Releases(string origin, string listId, IQuerySession session, CancellationToken ct)
    {
        if (!NodeId.TryParse(origin, out _) || !ListId.TryParse(listId, out _)) return Problems.Result(400, "list-id-invalid", "not a list");
        if (await session.LoadAsync<HashList>(HashList.Key(origin, listId), ct) is null) return Problems.Result(404, "list-not-found", $"no list {origin}/{listId}");
        var events = await session.Events.FetchStreamAsync(HashList.Stream(origin, listId), token: ct);
        return TypedResults.Ok(events.Select(e => e.Data).OfType<ReleasePublished>().ToList());
    }

    /// <summary>Keyset paging in canonical order (signal code, then value bytes); <c>after</c> is <c>&lt;signal&gt;:&lt;hex&gt;</c>
    /// and the next page's cursor comes back in the <c>X-Next-After</c> header.</summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Entries(string origin, string listId, string? after, int? limit, HttpContext http, NodeSettingsMonitor settings,
        NpgsqlDataSource db, IQuerySession session, CancellationToken ct)
    {
        if (!NodeId.TryParse(origin, out _) || !ListId.TryParse(listId, out _)) return Problems.Result(400, "list-id-invalid", "not a list");
        if (await session.LoadAsync<HashList>(HashList.Key(origin, listId), ct) is null) return Problems.Result(404, "list-not-found", $"no list {origin}/{listId}");
        var take = Math.Clamp(limit ?? 1000, 1, MaxPage);
        short afterSignal = 0;
        byte[] afterValue = [];
        if (after is not null)
        {
            var colon = after.IndexOf(':', StringComparison.Ordinal);
            try
            {
                var value = SignalValue.Parse(after[..Math.Max(colon, 0)], after[(colon + 1)..]);
                afterSignal = value.Signal.Code;
                afterValue = value.ToArray();
            }
            catch (FormatException e)
            {
                return Problems.Result(400, "cursor-invalid", e.Message);
            }
        }
        await using var cmd = db.CreateCommand($"""
            SELECT signal, value, classification, legal_basis, tags FROM {settings.Current.Schema}.active_entries
            WHERE origin = $1 AND list_id = $2 AND (signal, value) > ($3, $4)
            ORDER BY signal, value LIMIT $5
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = origin });
        cmd.Parameters.Add(new NpgsqlParameter { Value = listId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = afterSignal });
        cmd.Parameters.Add(new NpgsqlParameter { Value = afterValue });
        cmd.Parameters.Add(new NpgsqlParameter { Value = take });
        var csv = new StringBuilder(EntryCsv.Header).Append('\n');
        var rows = 0;
        SignalValue last = default;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var signal = SignalType.All.First(t => t.Code == reader.GetInt16(0));
                last = SignalValue.FromBytes(signal, (byte[])reader[1]);
                var label = new EntryLabel(Classification.Parse(reader.GetString(2)), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? TagSet.Empty : TagSet.Parse(reader.GetString(4)));
                csv.Append(EntryCsv.FormatRow(ReleaseChange.Add(last, label))).Append('\n');
                rows++;
            }
        }
        if (rows == take) http.Response.Headers["X-Next-After"] = $"{last.Signal}:{last.Hex}";
        return TypedResults.Text(csv.ToString(), "text/csv", Encoding.UTF8);
    }
}

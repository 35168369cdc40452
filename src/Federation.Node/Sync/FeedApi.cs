using System.Security.Claims;
using Federation.Node.Hosting;
using Federation.Node.Security;
using Federation.Node.Storage;
using Npgsql;

namespace Federation.Node.Sync;

/// <summary>
/// What peers pull: the feed of items this node originated that the calling peer may see (audience rules), and the
/// immutable signed objects those items name. A node serves only its own items: it never relays another node's
/// release, so every envelope reaches a peer from its origin with its original signature.
/// </summary>
public static class FeedApi
{
    public const int MaxPage = 500;

    public sealed record FeedEntry(long Position, string Kind, string Id, string Origin, string ContentSha256, string? SignatureSha256, long Size, DateTimeOffset Created);

    public sealed record FeedPage(IReadOnlyList<FeedEntry> Items, long Next, long Head);

    public static void MapFeedApi(this IEndpointRouteBuilder app)
    {
        var fed = app.MapGroup("/federation/v1").RequireAuthorization(Policies.Peer);
        fed.MapGet("/feed", Feed);
        fed.MapGet("/objects/{sha256}", Object);
    }

    private static async Task<IResult> Feed(long? after, int? limit, ClaimsPrincipal peer, NodeSettingsMonitor settings, NpgsqlDataSource db, CancellationToken ct)
    {
        if (after is < 0) return Problems.Result(400, "cursor-invalid", "after must be a position (0 or more)");
        var take = Math.Clamp(limit ?? 100, 1, MaxPage);
        var caller = peer.FindFirstValue(ClientCertificatePolicy.PeerClaim)!;
        var schema = settings.Current.Schema;
        await using var cmd = db.CreateCommand($"""
            SELECT position, kind, item_id, origin, content_sha256, signature_sha256, size, created FROM {schema}.feed
            WHERE position > $1 AND (audience IS NULL OR $2 = ANY(audience))
            ORDER BY position LIMIT $3
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = after ?? 0 });
        cmd.Parameters.Add(new NpgsqlParameter { Value = caller });
        cmd.Parameters.Add(new NpgsqlParameter { Value = take });
        var items = new List<FeedEntry>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                items.Add(new FeedEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetInt64(6), r.GetFieldValue<DateTimeOffset>(7)));
        await using var headCmd = db.CreateCommand($"SELECT coalesce(max(position), 0) FROM {schema}.feed WHERE audience IS NULL OR $1 = ANY(audience)");
        headCmd.Parameters.Add(new NpgsqlParameter { Value = caller });
        var head = (long)(await headCmd.ExecuteScalarAsync(ct))!;
        return TypedResults.Ok(new FeedPage(items, items.Count > 0 ? items[^1].Position : after ?? 0, head));
    }

    /// <summary>A blob, only to a peer that is in the audience of an item naming it: knowing a digest is not enough.
    /// Immutable, so cacheable; range requests let a large download resume.</summary>
    private static async Task<IResult> Object(string sha256, ClaimsPrincipal peer, NodeSettingsMonitor settings, NpgsqlDataSource db, CancellationToken ct)
    {
        if (sha256.Length != 64 || !sha256.All(Uri.IsHexDigit) || sha256.Any(char.IsUpper))
            return Problems.Result(400, "digest-invalid", "an object is named by the lower-case hex SHA-256 of its bytes");
        var caller = peer.FindFirstValue(ClientCertificatePolicy.PeerClaim)!;
        var schema = settings.Current.Schema;
        await using var cmd = db.CreateCommand($"""
            SELECT EXISTS (SELECT 1 FROM {schema}.feed WHERE (content_sha256 = $1 OR signature_sha256 = $1) AND (audience IS NULL OR $2 = ANY(audience)))
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = sha256 });
        cmd.Parameters.Add(new NpgsqlParameter { Value = caller });
        if (!(bool)(await cmd.ExecuteScalarAsync(ct))!)
            return Problems.Result(403, "not-in-audience", "no item you may see names this object");
        var blob = await Blobs.GetAsync(db, schema, sha256, ct);
        return blob is null
            ? Problems.Result(404, "object-not-found", "no such object")
            : TypedResults.Bytes(blob.Content, blob.MediaType, enableRangeProcessing: true,
                entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{sha256}\""));
    }
}

using Federation.Node.Matching;
using Federation.Node.Storage;
using Npgsql;

namespace Federation.Node.Hosting;

public static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok\n"));
        app.MapGet("/readyz", async (NpgsqlDataSource db, NodeSettingsMonitor settings, EntryIndex matchIndex, CancellationToken ct) =>
        {
            try
            {
                if (!await DatabaseMigrator.IsReadyAsync(db, settings.Current.Schema, ct))
                    return Problems.Result(StatusCodes.Status503ServiceUnavailable, "schema-not-applied", "the database schema is not applied");
                return matchIndex.IsLoaded
                    ? Results.Text("ready\n")
                    : Problems.Result(StatusCodes.Status503ServiceUnavailable, "match-index-loading", "the match index is still loading from the database");
            }
            catch (NpgsqlException e)
            {
                return Problems.Result(StatusCodes.Status503ServiceUnavailable, "database-unreachable", "the database is unreachable", e.Message);
            }
        });
    }
}

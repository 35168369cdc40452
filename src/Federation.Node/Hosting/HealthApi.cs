using Federation.Node.Storage;
using Npgsql;

namespace Federation.Node.Hosting;

public static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok\n"));
        app.MapGet("/readyz", async (NpgsqlDataSource db, NodeSettingsMonitor settings, CancellationToken ct) =>
        {
            try
            {
                return await DatabaseMigrator.IsReadyAsync(db, settings.Current.Schema, ct)
                    ? Results.Text("ready\n")
                    : Problems.Result(StatusCodes.Status503ServiceUnavailable, "schema-not-applied", "the database schema is not applied");
            }
            catch (NpgsqlException e)
            {
                return Problems.Result(StatusCodes.Status503ServiceUnavailable, "database-unreachable", "the database is unreachable", e.Message);
            }
        });
    }
}

using System.Security.Claims;
using Federation.Core.Identity;
using Federation.Core.Releases;
using Federation.Node.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Federation.Node.Lists;
using Federation.Node.Security;
using Marten;
using Npgsql;

namespace Federation.Node.Feedback;

/// <summary>
/// Feedback on the agency API: an officer sends a verdict on a peer's entry (typically from a match hit, whose
/// origin, list, signal and value it repeats), and anyone of the agency reads the verdicts on a list's entries —
/// on this node's own lists, what its peers said.
/// </summary>
public static class FeedbackApi
{
    public sealed record EntryFeedback(string Signal, string Value, IReadOnlyList<EntryVerdict> Verdicts, IReadOnlyDictionary<string, int> Counts);

    public static void MapFeedbackApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/feedback", Send).RequireAuthorization(Policies.Officer).RefusedAs("the feedback was not sent").WithTags("Feedback")
            .Produces<FeedbackSent>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403).ProducesProblem(404)
            .WithSummary("Send feedback (confirmed, false-positive, not-illegal-here; optional note) on a peer's entry to the agency that published it.");
        app.MapGet("/api/v1/lists/{origin}/{listId}/feedback", Read).RequireAuthorization(Policies.Person).WithTags("Feedback")
            .Produces<List<EntryFeedback>>().ProducesProblem(404)
            .WithSummary("The latest verdict of each agency on each entry of a list that has feedback, with counts per verdict.");
    }

    private static async Task<Created<FeedbackSent>> Send(FeedbackService.Request body, ClaimsPrincipal user, FeedbackService feedback, CancellationToken ct)
    {
        var sent = await feedback.SendAsync(body, user.Identity!.Name!, ct);
        return TypedResults.Created($"/api/v1/lists/{sent.Origin}/{sent.ListId}/feedback", sent);
    }

    private static async Task<Results<Ok<List<EntryFeedback>>, ProblemHttpResult>> Read(string origin, string listId, IQuerySession session, NpgsqlDataSource db, NodeSettingsMonitor settings, CancellationToken ct)
    {
        if (!NodeId.TryParse(origin, out _) || !ListId.TryParse(listId, out _)) return Problems.Result(400, "list-id-invalid", "not a list");
        if (await session.LoadAsync<HashList>(HashList.Key(origin, listId), ct) is null) return Problems.Result(404, "list-not-found", $"no list {origin}/{listId}");
        await using var cmd = db.CreateCommand($"""
            SELECT signal, value, agency, verdict, note, at FROM {settings.Current.Schema}.entry_feedback
            WHERE origin = $1 AND list_id = $2 ORDER BY signal, value, agency
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = origin });
        cmd.Parameters.Add(new NpgsqlParameter { Value = listId });
        var rows = new List<(SignalValue Value, EntryVerdict Verdict)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows.Add((SignalValue.FromBytes(SignalType.All.First(t => t.Code == reader.GetInt16(0)), (byte[])reader[1]),
                    new EntryVerdict(reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5))));
        return TypedResults.Ok(rows.GroupBy(r => r.Value)
            .Select(g => new EntryFeedback(g.Key.Signal.Name, g.Key.Hex, [.. g.Select(r => r.Verdict)],
                FeedbackVerdicts.All.ToDictionary(v => v, v => g.Count(r => r.Verdict.Verdict == v), StringComparer.Ordinal)))
            .ToList());
    }
}

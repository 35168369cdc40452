using Federation.Core.Identity;
using Federation.Core.Releases;
using Federation.Node.Hosting;
using Federation.Node.Messaging;
using Marten;
using Npgsql;

namespace Federation.Node.Feedback;

/// <summary>
/// Sends an officer's verdict on a peer's entry: in one transaction, the <see cref="FeedbackSent"/> event, this node's
/// latest verdict in <c>entry_feedback</c> (read by match hits and <c>GET /api/v1/lists/{origin}/{list}/feedback</c>),
/// and a signed <see cref="FeedbackHandler.Kind"/> message to the origin (pushed, or pulled from the feed). A peer's
/// feedback on this node's entries arrives through <see cref="FeedbackHandler"/>.
/// </summary>
public sealed class FeedbackService(NodeSettingsMonitor settings, IDocumentStore store, NpgsqlDataSource db, MessageSender sender)
{
    /// <summary>How long the origin may take to collect the message from the feed if pushes fail.</summary>
    public static readonly TimeSpan MessageLifetime = TimeSpan.FromDays(30);

    public sealed record Request(string Origin, string ListId, string Signal, string Value, string Verdict, string? Note);

    /// <exception cref="Refusal">400 <c>feedback-invalid</c> / <c>own-entry</c> / <c>origin-not-a-peer</c>, 404 <c>entry-not-found</c>.</exception>
    public async Task<FeedbackSent> SendAsync(Request request, string by, CancellationToken ct)
    {
        var s = settings.Current;
        if (FeedbackRules.Check(request.Origin, request.ListId, request.Signal, request.Value, request.Verdict, request.Note) is { } problem)
            throw new Refusal(400, "feedback-invalid", problem);
        var value = SignalValue.Parse(request.Signal, request.Value);
        if (request.Origin == s.NodeId.Value) throw new Refusal(400, "own-entry", "feedback goes to the agency that published the entry; this is this node's own entry");
        var origin = NodeId.Parse(request.Origin);
        if (!s.Peers.ContainsKey(origin)) throw new Refusal(400, "origin-not-a-peer", $"{origin} is not a peer of this node");

        var note = FeedbackRules.Note(request.Note);
        var id = Guid.NewGuid().ToString("N");
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await FeedbackRules.EntryExistsAsync(conn, tx, s.Schema, request.Origin, request.ListId, value, ct))
            throw new Refusal(404, "entry-not-found", $"this node holds no active entry {value} in {request.Origin}/{request.ListId}");
        var message = await sender.SendAsync(conn, tx, new OutgoingMessage(FeedbackHandler.Kind, FeedbackBody.Type, [origin],
            new FeedbackBody(request.Origin, request.ListId, value.Signal.Name, value.Hex, request.Verdict, note).ToJson(), MessageLifetime, id), ct);
        var sent = new FeedbackSent(id, request.Origin, request.ListId, value.Signal.Name, value.Hex, request.Verdict, note, by, message.Created);
        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx));
        session.Events.Append(Stream(request.Origin, request.ListId), sent);
        await FeedbackRules.UpsertAsync(conn, tx, s.Schema, request.Origin, request.ListId, value, s.NodeId.Value, request.Verdict, note, message.Created, id, ct);
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return sent;
    }

    public static string Stream(string origin, string listId) => $"feedback:{origin}/{listId}";
}

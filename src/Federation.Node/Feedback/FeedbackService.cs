using Federation.Core.Identity;
using Federation.Core.Releases;
using Federation.Node.Hosting;
using Marten;
using Npgsql;

namespace Federation.Node.Feedback;

/// <summary>
/// Feedback on entries: an officer's verdict on a peer's entry is recorded here and sent to the entry's origin
/// (<see cref="SendAsync"/>); a peer's verdict on one of this node's entries is checked and recorded
/// (<see cref="ReceiveAsync"/>). Each is one transaction: the event, and the latest verdict per agency in
/// <c>entry_feedback</c>, which match hits and <c>GET /api/v1/lists/{origin}/{list}/feedback</c> read.
/// </summary>
public sealed class FeedbackService(NodeSettingsMonitor settings, IDocumentStore store, NpgsqlDataSource db, TimeProvider time, ILogger<FeedbackService> log)
{
    public const int MaxNote = 1000;

    public sealed record Request(string Origin, string ListId, string Signal, string Value, string Verdict, string? Note);

    public sealed class Refused(int status, string reason, string message) : Exception(message)
    {
        public int Status { get; } = status;
        public string Reason { get; } = reason;
    }

    /// <summary>Records an officer's feedback on a peer's entry that this node holds, and queues it for the origin.</summary>
    /// <exception cref="Refused">400 <c>feedback-invalid</c> / <c>own-entry</c>, 404 <c>entry-not-found</c>.</exception>
    public async Task<FeedbackSent> SendAsync(Request request, string by, CancellationToken ct)
    {
        var self = settings.Current.NodeId.Value;
        var value = Check(request.Origin, request.ListId, request.Signal, request.Value, request.Verdict, request.Note) is { } problem
            ? throw new Refused(400, "feedback-invalid", problem)
            : SignalValue.Parse(request.Signal, request.Value);
        if (request.Origin == self) throw new Refused(400, "own-entry", "feedback goes to the agency that published the entry; this is this node's own entry");

        var sent = new FeedbackSent(Guid.NewGuid().ToString("N"), request.Origin, request.ListId, value.Signal.Name, value.Hex, request.Verdict,
            string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(), by, time.GetUtcNow());
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await EntryExistsAsync(conn, tx, request.Origin, request.ListId, value, ct))
            throw new Refused(404, "entry-not-found", $"this node holds no active entry {value} in {request.Origin}/{request.ListId}");
        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx));
        session.Events.Append(Stream(request.Origin, request.ListId), sent);
        await UpsertAsync(conn, tx, request.Origin, request.ListId, value, self, sent.Verdict, sent.Note, sent.At, sent.FeedbackId, ct);
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return sent;
    }

    /// <summary>
    /// Records a peer's feedback item on one of this node's entries. <paramref name="sender"/> is the peer whose node
    /// key signed the item, as the transport verified it; the item must name it as <see cref="FeedbackItem.From"/>,
    /// name this node as origin, and concern an entry this node publishes. A refusal is recorded with its reason.
    /// </summary>
    /// <returns>Null when recorded (or already recorded: the same id twice changes nothing); otherwise the refusal reason.</returns>
    public async Task<string?> ReceiveAsync(FeedbackItem item, NodeId sender, string signerSubject, CancellationToken ct)
    {
        var self = settings.Current.NodeId.Value;
        var (reason, detail) = item.From != sender.Value ? ("sender-mismatch", $"the item says it is from {item.From} but {sender} signed it")
            : item.Origin != self ? ("not-our-entry", $"the item concerns an entry of {item.Origin}, not of {self}")
            : Check(item.Origin, item.ListId, item.Signal, item.Value, item.Verdict, item.Note) is { } problem ? ("feedback-invalid", problem)
            : (null, "");
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx));
        if (reason is null)
        {
            var value = SignalValue.Parse(item.Signal, item.Value);
            if (!await EntryExistsAsync(conn, tx, self, item.ListId, value, ct))
                (reason, detail) = ("entry-not-published", $"{self} publishes no entry {value} in list {item.ListId}");
            else
            {
                var stream = Stream(self, item.ListId);
                var known = await session.Events.QueryRawEventDataOnly<FeedbackReceived>().AnyAsync(f => f.FeedbackId == item.Id && f.From == item.From, ct);
                if (!known)
                {
                    session.Events.Append(stream, new FeedbackReceived(item.Id, item.From, item.ListId, value.Signal.Name, value.Hex, item.Verdict,
                        string.IsNullOrWhiteSpace(item.Note) ? null : item.Note.Trim(), item.At, signerSubject, time.GetUtcNow()));
                    await UpsertAsync(conn, tx, self, item.ListId, value, item.From, item.Verdict, item.Note, item.At, item.Id, ct);
                }
            }
        }
        if (reason is not null)
        {
            log.LogWarning("Refused feedback {Id} from {Peer}: {Reason} ({Detail})", item.Id, sender, reason, detail);
            session.Events.Append("feedback-refused:" + sender.Value, new FeedbackRefused(sender.Value, item.Id, reason, detail, time.GetUtcNow()));
        }
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return reason;
    }

    public static string Stream(string origin, string listId) => $"feedback:{origin}/{listId}";

    private static string? Check(string origin, string listId, string signal, string value, string verdict, string? note)
    {
        if (!NodeId.TryParse(origin, out _)) return $"'{origin}' is not a node id";
        if (!ListId.TryParse(listId, out _)) return $"'{listId}' is not a list id";
        if (!SignalType.TryParse(signal, out var type)) return $"'{signal}' is not a signal (sha256, md5, pdq)";
        try { SignalValue.Parse(type, value); }
        catch (FormatException e) { return e.Message; }
        if (!FeedbackVerdicts.IsKnown(verdict)) return $"the verdict must be one of {string.Join(", ", FeedbackVerdicts.All)}";
        if (note is not null && (note.Length > MaxNote || note.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))))
            return $"a note is at most {MaxNote} characters, without control characters other than line breaks";
        return null;
    }

    private async Task<bool> EntryExistsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string origin, string listId, SignalValue value, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT EXISTS (SELECT 1 FROM {settings.Current.Schema}.active_entries WHERE origin = $1 AND list_id = $2 AND signal = $3 AND value = $4)", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = origin });
        cmd.Parameters.Add(new NpgsqlParameter { Value = listId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (short)value.Signal.Code });
        cmd.Parameters.Add(new NpgsqlParameter { Value = value.ToArray() });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task UpsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string origin, string listId, SignalValue value, string agency,
        string verdict, string? note, DateTimeOffset at, string feedbackId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO {settings.Current.Schema}.entry_feedback (origin, list_id, signal, value, agency, verdict, note, at, feedback_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (origin, list_id, signal, value, agency) DO UPDATE
              SET verdict = excluded.verdict, note = excluded.note, at = excluded.at, feedback_id = excluded.feedback_id
              WHERE entry_feedback.at <= excluded.at
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = origin });
        cmd.Parameters.Add(new NpgsqlParameter { Value = listId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (short)value.Signal.Code });
        cmd.Parameters.Add(new NpgsqlParameter { Value = value.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = agency });
        cmd.Parameters.Add(new NpgsqlParameter { Value = verdict });
        cmd.Parameters.Add(new NpgsqlParameter { Value = string.IsNullOrWhiteSpace(note) ? DBNull.Value : note.Trim() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = at });
        cmd.Parameters.Add(new NpgsqlParameter { Value = feedbackId });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

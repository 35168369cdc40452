using Federation.Core.Identity;
using Federation.Core.Releases;
using Npgsql;

namespace Federation.Node.Feedback;

/// <summary>What sending and receiving feedback share: the checks on its fields, the entry lookup, and the latest-verdict upsert.</summary>
public static class FeedbackRules
{
    public const int MaxNote = 1000;

    /// <summary>Null when the fields are acceptable, otherwise what is wrong.</summary>
    public static string? Check(string origin, string listId, string signal, string value, string verdict, string? note)
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

    public static string? Note(string? note) => string.IsNullOrWhiteSpace(note) ? null : note.Trim();

    public static async Task<bool> EntryExistsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, string origin, string listId, SignalValue value, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT EXISTS (SELECT 1 FROM {schema}.active_entries WHERE origin = $1 AND list_id = $2 AND signal = $3 AND value = $4)", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = origin });
        cmd.Parameters.Add(new NpgsqlParameter { Value = listId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (short)value.Signal.Code });
        cmd.Parameters.Add(new NpgsqlParameter { Value = value.ToArray() });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Keeps each agency's latest verdict on the entry (by the time the agency gave it).</summary>
    public static async Task UpsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, string origin, string listId, SignalValue value,
        string agency, string verdict, string? note, DateTimeOffset at, string feedbackId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO {schema}.entry_feedback (origin, list_id, signal, value, agency, verdict, note, at, feedback_id)
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
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)note ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = at });
        cmd.Parameters.Add(new NpgsqlParameter { Value = feedbackId });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

using Federation.Core.Releases;
using Federation.Node.Hosting;
using Npgsql;

namespace Federation.Node.Lists;

/// <summary>
/// What a CSV would change in one of this node's lists if published now, against the active entries: what it adds,
/// relabels or withdraws, what is already so, and withdrawals of values the list does not hold. Reads the CSV with
/// the same parser as <see cref="ReleasePublisher"/> and changes nothing. Bounded: the console previews uploads of at
/// most <see cref="MaxBytes"/>; larger releases go through the API or <c>fedctl</c>.
/// </summary>
public sealed class ReleasePreview(NodeSettingsMonitor settings, NpgsqlDataSource db)
{
    public const int MaxBytes = 4 * 1024 * 1024;

    public enum Kind { Addition, Relabel, Unchanged, Withdrawal, WithdrawalOfAbsent }

    public sealed record Row(long Line, Kind Kind, string Signal, string Value, string? Classification, string? LegalBasis, string? Tags, string? CurrentClassification);

    public sealed record Result(IReadOnlyList<Row> Rows)
    {
        public int Count(Kind kind) => Rows.Count(r => r.Kind == kind);
    }

    /// <exception cref="ReleaseFormatException">The first bad line of the CSV, named.</exception>
    public async Task<Result> PreviewAsync(ListId listId, byte[] csv, CancellationToken ct)
    {
        var changes = new List<SourcedChange>();
        await using (var input = new MemoryStream(csv, writable: false))
            await foreach (var change in EntryCsv.ReadAsync(input, ct))
                changes.Add(change);

        var current = await CurrentLabelsAsync(listId, changes, ct);
        var rows = changes.Select(c =>
        {
            var (value, label) = (c.Change.Value, c.Change.Label);
            var held = current.GetValueOrDefault(value);
            var kind = label is null
                ? held is null ? Kind.WithdrawalOfAbsent : Kind.Withdrawal
                : held is null ? Kind.Addition : held.Equals(label) ? Kind.Unchanged : Kind.Relabel;
            return new Row(c.Line, kind, value.Signal.ToString(), value.Hex, label?.Classification.Value, label?.LegalBasis,
                label?.Tags.Value, held?.Classification.Value);
        }).ToList();
        return new Result(rows);
    }

    private async Task<Dictionary<SignalValue, EntryLabel>> CurrentLabelsAsync(ListId listId, List<SourcedChange> changes, CancellationToken ct)
    {
        var s = settings.Current;
        await using var cmd = db.CreateCommand($"""
            SELECT a.signal, a.value, a.classification, a.legal_basis, a.tags
            FROM {s.Schema}.active_entries a JOIN unnest($3::smallint[], $4::bytea[]) AS u(signal, value)
              ON a.signal = u.signal AND a.value = u.value
            WHERE a.origin = $1 AND a.list_id = $2
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.NodeId.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = listId.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = changes.Select(c => (short)c.Change.Value.Signal.Code).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = changes.Select(c => c.Change.Value.ToArray()).ToArray() });
        var held = new Dictionary<SignalValue, EntryLabel>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var signal = SignalType.All.First(t => t.Code == reader.GetInt16(0));
            held[SignalValue.FromBytes(signal, (byte[])reader[1])] = new EntryLabel(Classification.Parse(reader.GetString(2)),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? TagSet.Empty : TagSet.Parse(reader.GetString(4)));
        }
        return held;
    }
}

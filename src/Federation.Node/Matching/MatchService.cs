using Federation.Core.Matching;
using Federation.Core.Releases;
using Federation.Node.Audit;
using Federation.Node.Feedback;
using Federation.Node.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Federation.Node.Matching;

/// <summary>
/// Looks media up in every list the node holds, for the agency API and in-process callers (the web console): checks
/// who asks and why, records the consultation with the hashes queried (never the media) before anything is looked
/// up, matches each input in the <see cref="EntryIndex"/>, and reads each hit's labels, release and feedback from
/// PostgreSQL, so a hit shows the committed state (an entry withdrawn meanwhile drops out). A hit in a list whose last
/// release has expired by the time of the query is no hit: the answer names the list and its expiry instead.
/// </summary>
public sealed class MatchService(EntryIndex index, UploadHasher hasher, AccessLog accessLog, MatchingOptions options, NpgsqlDataSource db, NodeSettingsMonitor settings,
    TimeProvider time)
{
    /// <summary>Who may match: the officers who investigate, and the supervisors who review their work.</summary>
    public static readonly string[] Roles = [Hosting.Roles.Officer, Hosting.Roles.Supervisor];

    /// <summary>A file to hash and match: its bytes, its name, and its declared media type.</summary>
    public sealed record File(Stream Content, string? Name, string? ContentType);

    /// <summary>What the access record names as consulted; the API passes its method and path.</summary>
    public sealed record Channel(string Method, string Resource)
    {
        public static readonly Channel Api = new("POST", "/api/v1/match");
    }

    /// <summary>Hashes each file in memory (see <see cref="UploadHasher"/>), then matches as <see cref="MatchAsync"/>.</summary>
    public async Task<MatchAnswer> MatchFilesAsync(IReadOnlyList<File> files, Consultant who, string justification, Channel via, CancellationToken ct)
    {
        CheckCaller(who, justification, files.Count);
        var inputs = new List<MatchInput>(files.Count);
        foreach (var file in files) inputs.Add(await hasher.HashAsync(file.Content, file.Name, file.ContentType, ct));
        return await MatchAsync(inputs, who, justification, via, ct);
    }

    /// <summary>Records the consultation, then matches every input and reads what each hit shows.</summary>
    /// <exception cref="Refusal">403 <c>role-required</c>, 400 <c>justification-*</c> / <c>no-input</c> /
    /// <c>too-many-inputs</c>, 503 <c>match-index-loading</c>.</exception>
    public async Task<MatchAnswer> MatchAsync(IReadOnlyList<MatchInput> inputs, Consultant who, string justification, Channel via, CancellationToken ct)
    {
        CheckCaller(who, justification, inputs.Count);
        if (!index.IsLoaded) throw new Refusal(503, "match-index-loading", "the match index is still loading; try again shortly");
        await accessLog.RecordAsync(who, via.Method, via.Resource, justification.Trim(), [.. inputs.SelectMany(i => i.Queried())], ct);

        // Expiry is held to the query's time, not to when a release arrived, so an expired list stops matching on time.
        // Each hit's expiry is read once, so a release applied meanwhile cannot put it on both sides.
        var now = time.GetUtcNow();
        var found = new List<List<(MatchHit<IndexedEntry> Hit, EntryKey Key)>>(inputs.Count);
        var expired = new List<List<MatchAnswer.NotMatched>>(inputs.Count);
        foreach (var input in inputs)
        {
            var live = new List<(MatchHit<IndexedEntry>, EntryKey)>();
            var late = new Dictionary<string, (DateTimeOffset At, int Hits)>(StringComparer.Ordinal);
            foreach (var hit in index.Match(input.Signals))
            {
                if (index.ExpiresAt(hit.ListId) is { } at && now > at)
                    late[hit.ListId] = (at, late.GetValueOrDefault(hit.ListId).Hits + 1);
                else
                    live.Add((hit, EntryKey.Of(hit, input)));
            }
            found.Add(live);
            expired.Add([.. late.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => ExpiredList(l.Key, l.Value.At, l.Value.Hits))]);
        }
        var keys = found.SelectMany(hits => hits.Select(h => h.Key)).Distinct().ToList();
        var details = await ReadDetailsAsync(keys, ct);
        var answers = new List<MatchAnswer.Input>(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var hits = new List<MatchAnswer.Hit>();
            foreach (var (hit, key) in found[i])
            {
                if (!details.TryGetValue(key, out var d)) continue; // withdrawn since the index was read
                hits.Add(new MatchAnswer.Hit(key.Signal.Name, Convert.ToHexStringLower(key.Value), hit.Distance, index.PdqThreshold(hit.ListId),
                    key.Origin, key.ListId, d.ReleaseVersion, d.Classification, d.LegalBasis, d.Tags, d.Feedback));
            }
            answers.Add(new MatchAnswer.Input(input.Name, input.Size, input.Sha256?.ToString(), input.Md5?.ToString(), input.Pdq?.Hash.ToString(),
                input.Pdq?.Quality, input.PdqNote, hits, expired[i]));
        }
        return new MatchAnswer(answers);
    }

    private static MatchAnswer.NotMatched ExpiredList(string listKey, DateTimeOffset expires, int hits)
    {
        var slash = listKey.IndexOf('/', StringComparison.Ordinal);
        return new MatchAnswer.NotMatched(listKey[..slash], listKey[(slash + 1)..], MatchAnswer.ListExpired, expires, hits);
    }

    private void CheckCaller(Consultant who, string justification, int inputs)
    {
        if (!who.HasAnyRole(Roles)) throw new Refusal(403, "role-required", $"matching needs the role {string.Join(" or ", Roles)}");
        var text = justification?.Trim() ?? "";
        if (text.Length == 0) throw new Refusal(400, "justification-required", "state why you are matching this media");
        if (text.Length > Justification.MaxLength || text.Any(char.IsControl))
            throw new Refusal(400, "justification-invalid", $"1 to {Justification.MaxLength} characters, no control characters");
        if (inputs == 0) throw new Refusal(400, "no-input", "send at least one file or hash");
        if (inputs > options.MaxInputs) throw new Refusal(400, "too-many-inputs", $"{inputs} inputs; at most {options.MaxInputs} per request");
    }

    /// <summary>An active entry's primary key.</summary>
    private sealed record EntryKey(string Origin, string ListId, SignalType Signal, byte[] Value)
    {
        /// <summary>An exact hit's value is the query's digest; a PDQ hit's is the indexed hash.</summary>
        public static EntryKey Of(MatchHit<IndexedEntry> hit, MatchInput query)
        {
            var slash = hit.ListId.IndexOf('/', StringComparison.Ordinal);
            var (signal, value) = hit.Kind switch
            {
                MatchKind.Sha256 => (SignalType.Sha256, query.Sha256!.Value.ToBytes()),
                MatchKind.Md5 => (SignalType.Md5, query.Md5!.Value.ToBytes()),
                _ => (SignalType.Pdq, SignalBytes.ToBytes(hit.IndexedPdq!.Value)),
            };
            return new EntryKey(hit.ListId[..slash], hit.ListId[(slash + 1)..], signal, value);
        }

        public bool Equals(EntryKey? other) =>
            other is not null && Origin == other.Origin && ListId == other.ListId && Signal == other.Signal && Value.AsSpan().SequenceEqual(other.Value);

        public override int GetHashCode() => HashCode.Combine(Origin, ListId, Signal, Convert.ToHexString(Value));
    }

    private sealed record Details(long ReleaseVersion, string Classification, string? LegalBasis, string? Tags, List<EntryVerdict> Feedback);

    private async Task<Dictionary<EntryKey, Details>> ReadDetailsAsync(List<EntryKey> keys, CancellationToken ct)
    {
        var details = new Dictionary<EntryKey, Details>();
        if (keys.Count == 0) return details;
        var schema = settings.Current.Schema;
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Keyed($"""
            SELECT a.origin, a.list_id, a.signal, a.value, a.release_version, a.classification, a.legal_basis, a.tags
            FROM {schema}.active_entries a
            JOIN unnest($1::text[], $2::text[], $3::smallint[], $4::bytea[]) k(origin, list_id, signal, value)
              USING (origin, list_id, signal, value)
            """, keys));
        batch.BatchCommands.Add(Keyed($"""
            SELECT f.origin, f.list_id, f.signal, f.value, f.agency, f.verdict, f.note, f.at
            FROM {schema}.entry_feedback f
            JOIN unnest($1::text[], $2::text[], $3::smallint[], $4::bytea[]) k(origin, list_id, signal, value)
              USING (origin, list_id, signal, value)
            ORDER BY f.agency
            """, keys));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            details[Read(reader)] = new Details(reader.GetInt64(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), []);
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
            if (details.TryGetValue(Read(reader), out var d))
                d.Feedback.Add(new EntryVerdict(reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7)));
        return details;

        static EntryKey Read(NpgsqlDataReader r) =>
            new(r.GetString(0), r.GetString(1), SignalType.All.First(t => t.Code == r.GetInt16(2)), (byte[])r[3]);
    }

    private static NpgsqlBatchCommand Keyed(string sql, List<EntryKey> keys)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Origin).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.ListId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => (short)k.Signal.Code).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint });
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        return command;
    }
}

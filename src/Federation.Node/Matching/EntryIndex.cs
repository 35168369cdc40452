using System.Data;
using Federation.Core.Matching;
using Federation.Core.Releases;
using Federation.Node.Hosting;
using Federation.Node.Lists;
using Federation.Node.Sync;
using Marten;
using Npgsql;

namespace Federation.Node.Matching;

/// <summary>
/// The node's match index over the active entries of every list it holds, its own and its peers'. Loaded once from
/// PostgreSQL at start-up (<see cref="LoadAsync"/>, streamed in batches), then kept current release by release
/// (<see cref="CatchUpAsync"/>): for each list it remembers the version it reflects, and applies the releases
/// committed after it, in order, from their stored blobs — additions and withdrawals, never a rebuild.
/// <see cref="EntryIndexFeeder"/> drives both. Queries run concurrently with updates (<see cref="MatchIndex{TEntry}"/>'s
/// lock); a query during an update may see part of a release, never a torn entry.
/// </summary>
public sealed class EntryIndex(MatchingOptions options, NodeSettingsMonitor settings, NpgsqlDataSource db, IDocumentStore store, ILogger<EntryIndex> log)
    : IDisposable
{
    /// <summary>Entries indexed per <see cref="MatchIndex{TEntry}.AddRange"/>: bounds what loading holds besides the index.</summary>
    public const int BatchSize = 1 << 18;

    private readonly MatchIndex<IndexedEntry> _index = NewIndex(options);
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal); // under _update
    // Written under _update, read by queries: each list's expiry as of the release the index reflects.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _expires = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _update = new(1, 1);
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public sealed record Counts(int Sha256, int Md5, int Pdq);

    /// <summary>True once the start-up load has finished; until then the node is not ready and matching is refused.</summary>
    public bool IsLoaded => _loaded.Task.IsCompletedSuccessfully;

    /// <summary>Completes when the start-up load has finished.</summary>
    public Task Loaded => _loaded.Task;

    public Counts Count => new(_index.Sha256Count, _index.Md5Count, _index.PdqCount);

    public int PdqThreshold(string listKey) => _index.GetPdqThreshold(listKey);

    /// <summary>When the release of <paramref name="listKey"/> that the index reflects expires (null: no release yet).
    /// Entries stay indexed past it, because the next release's changes are relative to them; the match service holds
    /// each hit to it at the time of the query, so a list stops matching at its expiry without any update.</summary>
    public DateTimeOffset? ExpiresAt(string listKey) => _expires.TryGetValue(listKey, out var at) ? at : null;

    /// <summary>The list versions the index reflects, keyed <c>&lt;origin&gt;/&lt;list-id&gt;</c>.</summary>
    public async Task<IReadOnlyDictionary<string, long>> VersionsAsync(CancellationToken ct)
    {
        await _update.WaitAsync(ct);
        try { return new Dictionary<string, long>(_versions, StringComparer.Ordinal); }
        finally { _update.Release(); }
    }

    /// <inheritdoc cref="MatchIndex{TEntry}.Match"/>
    /// <exception cref="InvalidOperationException">The start-up load has not finished.</exception>
    public IReadOnlyList<MatchHit<IndexedEntry>> Match(MediaSignals query) =>
        IsLoaded ? _index.Match(query) : throw new InvalidOperationException("the match index is still loading");

    /// <summary>
    /// Loads every active entry and each list's version from one snapshot (REPEATABLE READ), list by list, in
    /// batches of <see cref="BatchSize"/>. Releases committed after the snapshot are left to <see cref="CatchUpAsync"/>.
    /// </summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        await _update.WaitAsync(ct);
        try
        {
            if (IsLoaded) return;
            var started = TimeProvider.System.GetTimestamp();
            var schema = settings.Current.Schema;
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            IReadOnlyList<HashList> lists;
            await using (var query = store.QuerySession(Marten.Services.SessionOptions.ForTransaction(tx)))
                lists = await query.Query<HashList>().ToListAsync(ct);

            var batch = new List<MatchEntry<IndexedEntry>>(BatchSize);
            var value = new byte[32];
            foreach (var list in lists)
            {
                await using var cmd = new NpgsqlCommand($"SELECT signal, value FROM {schema}.active_entries WHERE origin = $1 AND list_id = $2", conn, tx);
                cmd.Parameters.Add(new NpgsqlParameter { Value = list.Origin });
                cmd.Parameters.Add(new NpgsqlParameter { Value = list.ListId });
                await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
                while (await reader.ReadAsync(ct))
                {
                    var signal = (byte)reader.GetInt16(0);
                    var length = (int)reader.GetBytes(1, 0, value, 0, value.Length);
                    batch.Add(new MatchEntry<IndexedEntry>(list.Id, default, SignalBytes.ToSignals(signal, value.AsSpan(0, length))));
                    if (batch.Count == BatchSize) Flush(batch);
                }
                _versions[list.Id] = list.Version;
                if (list.Expires is { } expires) _expires[list.Id] = expires;
            }
            Flush(batch);
            await tx.CommitAsync(ct);
            var c = Count;
            log.LogInformation("Match index loaded: {Lists} lists, {Sha256} SHA-256, {Md5} MD5, {Pdq} PDQ in {Seconds:F1} s",
                lists.Count, c.Sha256, c.Md5, c.Pdq, TimeProvider.System.GetElapsedTime(started).TotalSeconds);
            _loaded.TrySetResult();
        }
        finally
        {
            _update.Release();
        }
    }

    /// <summary>
    /// Applies the committed releases the index does not reflect yet, of one list or (<paramref name="listKey"/> null)
    /// of every list. Does nothing before the start-up load, which reads the same state. Safe to call again: a release
    /// is applied once, and a failure leaves the list at its last fully applied version for the next call.
    /// </summary>
    public async Task CatchUpAsync(string? listKey, CancellationToken ct)
    {
        await _update.WaitAsync(ct);
        try
        {
            if (!IsLoaded) return;
            await using var query = store.QuerySession();
            var lists = listKey is null
                ? await query.Query<HashList>().ToListAsync(ct)
                : await query.LoadAsync<HashList>(listKey, ct) is { } one ? [one] : [];
            foreach (var list in lists)
            {
                var applied = _versions.GetValueOrDefault(list.Id);
                if (list.Version <= applied) continue;
                var events = await query.Events.FetchStreamAsync(HashList.Stream(list.Origin, list.ListId), token: ct);
                var releases = events.Select(e => e.Data switch
                    {
                        ReleasePublished p => (p.Version, p.ContentSha256, p.Expires),
                        ReleaseReceived r => (r.Version, r.ContentSha256, r.Expires),
                        _ => (Version: 0L, ContentSha256: "", Expires: default(DateTimeOffset)),
                    })
                    .Where(r => r.Version > applied && r.Version <= list.Version)
                    .OrderBy(r => r.Version)
                    .ToList();
                foreach (var (version, sha256, expires) in releases)
                {
                    if (version != applied + 1)
                        throw new InvalidOperationException($"list {list.Id} has no release event for version {applied + 1}; the index stays at {applied}");
                    var (added, withdrawn) = await ApplyReleaseAsync(list.Id, sha256, ct);
                    _versions[list.Id] = applied = version;
                    _expires[list.Id] = expires;
                    log.LogInformation("Match index: {List} v{Version} applied (+{Added} −{Withdrawn})", list.Id, version, added, withdrawn);
                }
            }
        }
        finally
        {
            _update.Release();
        }
    }

    private async Task<(long Added, long Withdrawn)> ApplyReleaseAsync(string listKey, string contentSha256, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT content FROM {settings.Current.Schema}.blobs WHERE sha256 = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = contentSha256 });
        await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        if (!await reader.ReadAsync(ct)) throw new InvalidOperationException($"the release blob {contentSha256} of {listKey} is not stored");
        await using var content = await reader.GetStreamAsync(0, ct);
        var release = await ReleaseReader.OpenAsync(content, ct);
        var batch = new List<MatchEntry<IndexedEntry>>();
        var bytes = new byte[32];
        long added = 0, withdrawn = 0;
        await foreach (var change in release.ReadChangesAsync(ct))
        {
            change.Value.CopyTo(bytes);
            var entry = new MatchEntry<IndexedEntry>(listKey, default, SignalBytes.ToSignals(change.Value.Signal.Code, bytes.AsSpan(0, change.Value.Signal.Length)));
            if (change.IsWithdrawal)
            {
                _index.Remove(entry);
                withdrawn++;
                continue;
            }
            batch.Add(entry);
            added++;
            if (batch.Count == BatchSize) Flush(batch);
        }
        Flush(batch);
        return (added, withdrawn);
    }

    private void Flush(List<MatchEntry<IndexedEntry>> batch)
    {
        if (batch.Count == 0) return;
        _index.AddRange(batch);
        batch.Clear();
    }

    private static MatchIndex<IndexedEntry> NewIndex(MatchingOptions options)
    {
        var index = new MatchIndex<IndexedEntry>(options.DefaultPdqThreshold);
        foreach (var (list, threshold) in options.PdqThresholds) index.SetPdqThreshold(list, threshold);
        return index;
    }

    public void Dispose()
    {
        _index.Dispose();
        _update.Dispose();
    }
}

namespace Federation.Core.Matching;

/// <summary>
/// Every active entry of every list the node holds, searchable by exact SHA-256 and MD5 and by PDQ within each
/// list's Hamming threshold. Entries are added and withdrawn one by one as releases arrive, without rebuilds.
/// </summary>
/// <remarks>
/// Safe for any number of concurrent readers with occasional writers: searches share a read lock, and adds and
/// removes take the write lock for the few microseconds one entry needs (or once for a whole
/// <see cref="AddRange"/>). PDQ search is sub-linear, by multi-index hashing (<see cref="PdqChunks"/>).
/// </remarks>
public sealed class MatchIndex<TEntry> : IDisposable where TEntry : IEquatable<TEntry>
{
    /// <summary>The reference's and HMA's match threshold: a match is a distance of at most 31 bits.</summary>
    public const int ReferencePdqThreshold = 31;

    /// <summary>
    /// The loosest threshold a list may have. At 47 a query over ten million hashes already costs about a quarter
    /// of a linear scan (docs/benchmarks.md), and the probes grow combinatorially beyond it, so larger thresholds
    /// are refused rather than served slowly. (Unrelated images are about 128 bits apart.)
    /// </summary>
    public const int MaxPdqThreshold = 47;

    private const int MaxLists = ushort.MaxValue + 1;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, ushort> _listNumbers = new(StringComparer.Ordinal);
    private readonly List<string> _listIds = [];
    private readonly List<int> _pdqThresholds = [];
    private readonly ExactTable<Sha256Hash, TEntry> _sha256 = new();
    private readonly ExactTable<Md5Hash, TEntry> _md5 = new();
    private readonly PdqMultiIndex<TEntry> _pdq = new();
    private int _searchThreshold; // the largest threshold of any list: how far a PDQ search must reach

    public MatchIndex(int defaultPdqThreshold = ReferencePdqThreshold)
    {
        CheckThreshold(defaultPdqThreshold);
        DefaultPdqThreshold = defaultPdqThreshold;
        _searchThreshold = defaultPdqThreshold;
    }

    /// <summary>The threshold of a list that has not been given one.</summary>
    public int DefaultPdqThreshold { get; }

    public int Sha256Count => Read(() => _sha256.Count);
    public int Md5Count => Read(() => _md5.Count);
    public int PdqCount => Read(() => _pdq.Count);

    /// <summary>Bytes the index holds outside the managed heap (the PDQ hashes), which GC figures leave out.</summary>
    public long NativeBytes => Read(() => _pdq.NativeBytes);

    /// <summary>Sets the PDQ distance (0 to <see cref="MaxPdqThreshold"/>) up to which this list's entries match.</summary>
    public void SetPdqThreshold(string listId, int threshold)
    {
        CheckThreshold(threshold);
        Write(() =>
        {
            _pdqThresholds[ListNumber(listId)] = threshold;
            _searchThreshold = _pdqThresholds.Max();
        });
    }

    public int GetPdqThreshold(string listId) =>
        Read(() => _listNumbers.TryGetValue(listId, out var list) ? _pdqThresholds[list] : DefaultPdqThreshold);

    /// <summary>Indexes every signal of the entry. Adding what is already indexed changes nothing.</summary>
    /// <exception cref="LowQualityPdqException">The entry's PDQ hash is below <see cref="PdqResult.MinimumQuality"/>; nothing is added.</exception>
    public void Add(MatchEntry<TEntry> entry)
    {
        Check(entry);
        Write(() => Insert(entry));
    }

    /// <summary>
    /// Indexes many entries under one lock (start-up, or a whole release), building the PDQ tables in bulk.
    /// All are checked before any is added. The collection is enumerated three times and never copied, so a
    /// caller can stream ten million entries through a lazily computed collection.
    /// </summary>
    public void AddRange(IReadOnlyCollection<MatchEntry<TEntry>> entries)
    {
        foreach (var entry in entries) Check(entry);
        Write(() =>
        {
            foreach (var entry in entries) Insert(entry with { Signals = entry.Signals with { Pdq = null } });
            _pdq.AddRange(entries.Where(e => e.Signals.Pdq is not null)
                .Select(e => (_listNumbers[e.ListId], e.Entry, e.Signals.Pdq!.Value.Hash)));
        });
    }

    /// <summary>Withdraws the entry's signals, found by list, entry equality and hash. False if none was indexed.</summary>
    public bool Remove(MatchEntry<TEntry> entry) => Write(() =>
    {
        if (!_listNumbers.TryGetValue(entry.ListId, out var list)) return false;
        var removed = false;
        if (entry.Signals.Sha256 is { } sha256) removed |= _sha256.Remove(list, entry.Entry, sha256);
        if (entry.Signals.Md5 is { } md5) removed |= _md5.Remove(list, entry.Entry, md5);
        if (entry.Signals.Pdq is { } pdq) removed |= _pdq.Remove(list, entry.Entry, pdq.Hash);
        return removed;
    });

    /// <summary>
    /// Every entry matching any signal of the query: exact digests, and PDQ hashes within their list's threshold.
    /// Ordered by distance, then signal, then list.
    /// </summary>
    /// <exception cref="LowQualityPdqException">The query's PDQ hash is below <see cref="PdqResult.MinimumQuality"/>; drop it to match the rest.</exception>
    public IReadOnlyList<MatchHit<TEntry>> Match(MediaSignals query)
    {
        if (query.Pdq is { IsMatchable: false } weak) throw new LowQualityPdqException(weak.Quality, nameof(query));
        var hits = new List<MatchHit<TEntry>>();
        Read(() =>
        {
            if (query.Sha256 is { } sha256) _sha256.Search(sha256, (list, entry) => hits.Add(new(_listIds[list], entry, MatchKind.Sha256, 0)));
            if (query.Md5 is { } md5) _md5.Search(md5, (list, entry) => hits.Add(new(_listIds[list], entry, MatchKind.Md5, 0)));
            if (query.Pdq is { } pdq)
                _pdq.Search(pdq.Hash, _searchThreshold, _pdqThresholds,
                    (list, entry, hash, distance) => hits.Add(new(_listIds[list], entry, MatchKind.Pdq, distance, hash)));
            return 0;
        });
        hits.Sort(static (a, b) =>
        {
            var order = a.Distance.CompareTo(b.Distance);
            if (order == 0) order = a.Kind.CompareTo(b.Kind);
            return order != 0 ? order : string.CompareOrdinal(a.ListId, b.ListId);
        });
        return hits;
    }

    /// <summary>Frees the hashes' native pages; a search still running is waited for, a later one throws.</summary>
    public void Dispose()
    {
        Write(_pdq.Dispose);
        _lock.Dispose();
    }

    private static void Check(MatchEntry<TEntry> entry)
    {
        ArgumentNullException.ThrowIfNull(entry.ListId);
        if (entry.Entry is null) throw new ArgumentException("An indexed entry needs a non-null entry value.", nameof(entry));
        if (entry.Signals.IsEmpty) throw new ArgumentException($"The entry of list '{entry.ListId}' has no hash to index.", nameof(entry));
        if (entry.Signals.Pdq is { IsMatchable: false } weak) throw new LowQualityPdqException(weak.Quality, nameof(entry));
    }

    private static void CheckThreshold(int threshold)
    {
        if (threshold is < 0 or > MaxPdqThreshold)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"A PDQ threshold must be between 0 and {MaxPdqThreshold} bits.");
    }

    private void Insert(MatchEntry<TEntry> entry)
    {
        var list = ListNumber(entry.ListId);
        if (entry.Signals.Sha256 is { } sha256) _sha256.Add(list, entry.Entry, sha256);
        if (entry.Signals.Md5 is { } md5) _md5.Add(list, entry.Entry, md5);
        if (entry.Signals.Pdq is { } pdq) _pdq.Add(list, entry.Entry, pdq.Hash);
    }

    // Called under the write lock.
    private ushort ListNumber(string listId)
    {
        if (_listNumbers.TryGetValue(listId, out var number)) return number;
        if (_listIds.Count == MaxLists) throw new InvalidOperationException($"The match index holds its maximum of {MaxLists} lists.");
        number = (ushort)_listIds.Count;
        _listNumbers.Add(listId, number);
        _listIds.Add(listId);
        _pdqThresholds.Add(DefaultPdqThreshold);
        return number;
    }

    private T Read<T>(Func<T> read)
    {
        _lock.EnterReadLock();
        try { return read(); }
        finally { _lock.ExitReadLock(); }
    }

    private void Write(Action write) => Write(() => { write(); return 0; });

    private T Write<T>(Func<T> write)
    {
        _lock.EnterWriteLock();
        try { return write(); }
        finally { _lock.ExitWriteLock(); }
    }
}

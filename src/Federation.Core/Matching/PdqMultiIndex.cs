using System.Numerics;

namespace Federation.Core.Matching;

/// <summary>
/// PDQ hashes with their entries, searchable by Hamming distance through multi-index hashing
/// (see <see cref="PdqChunks"/> for the cut and for why the search misses nothing). Not thread-safe on its
/// own; <see cref="MatchIndex{TEntry}"/> guards it.
/// </summary>
/// <remarks>
/// Storage per entry: its hash (32 bytes) in native huge pages (<see cref="HugePageArray{T}"/>), its list number
/// and its entry, and one 4-byte posting in each of the 11 chunk tables. A posting is the chunk's 7 bits below the
/// bucket over a 25-bit slot number, so a probe rejects most of a bucket without touching the hash array, and an
/// index holds at most 2²⁵ (33 million) hashes. That is 90 bytes per hash, about 96 when loaded in batches (see
/// <see cref="PostingBucket.Reserve"/>), so 10⁷ hashes take under a gigabyte, with no object per entry.
/// </remarks>
internal sealed class PdqMultiIndex<TEntry> : IDisposable where TEntry : IEquatable<TEntry>
{
    private readonly HugePageArray<PdqHash> _hashes = new(); // read at random by every search
    private readonly PagedArray<TEntry> _entries = new();
    private readonly PagedArray<ushort> _lists = new();
    private readonly Stack<int> _freeSlots = new();
    private readonly PostingBucket[][] _tables = new PostingBucket[PdqChunks.Count][];
    private int _slotCount; // slots ever handed out, live or free

    private const uint SlotMask = (1u << PdqChunks.SlotBits) - 1;

    public PdqMultiIndex()
    {
        for (var c = 0; c < PdqChunks.Count; c++) _tables[c] = new PostingBucket[PdqChunks.DirectorySize(c)];
    }

    public int Count => _slotCount - _freeSlots.Count;

    /// <summary>Bytes held outside the managed heap: the hashes' pages.</summary>
    public long NativeBytes => _hashes.NativeBytes;

    public void Dispose() => _hashes.Dispose();

    /// <summary>Adds the entry unless the same list already holds the same entry under the same hash.</summary>
    public bool Add(ushort list, TEntry entry, PdqHash hash)
    {
        if (Find(list, entry, hash) >= 0) return false;
        var slot = NewSlot();
        _hashes[slot] = hash;
        _entries[slot] = entry;
        _lists[slot] = list;
        for (var c = 0; c < PdqChunks.Count; c++)
        {
            var (bucket, posting) = Locate(hash, c, slot);
            _tables[c][bucket].Insert(posting);
        }
        return true;
    }

    /// <summary>
    /// Adds a batch, skipping entries already indexed or repeated within the batch, and returns how many it added.
    /// Each chunk table is filled in one pass over the batch (one table hot in cache at a time), with every
    /// bucket grown once to its exact size and sorted once, instead of one sorted insert per posting.
    /// </summary>
    public int AddRange(IEnumerable<(ushort List, TEntry Entry, PdqHash Hash)> items)
    {
        var added = new List<int>();
        foreach (var (list, entry, hash) in items)
        {
            if (Find(list, entry, hash) >= 0) continue; // the buckets do not hold this batch yet
            var slot = NewSlot();
            _hashes[slot] = hash;
            _entries[slot] = entry;
            _lists[slot] = list;
            added.Add(slot);
        }
        AppendSorted(0, added);
        var kept = DropRepeats(added); // chunk 0 now holds the batch, so repeats within it sit side by side
        for (var c = 1; c < PdqChunks.Count; c++) AppendSorted(c, kept);
        return kept.Count;
    }

    private void AppendSorted(int chunk, List<int> slots)
    {
        var table = _tables[chunk];
        var growth = new int[PdqChunks.DirectorySize(chunk)];
        foreach (var slot in slots) growth[Locate(_hashes[slot], chunk, slot).Bucket]++;
        for (var b = 0; b < growth.Length; b++)
            if (growth[b] > 0) table[b].Reserve(growth[b]);
        foreach (var slot in slots)
        {
            var (bucket, posting) = Locate(_hashes[slot], chunk, slot);
            table[bucket].AppendUnsorted(posting);
        }
        for (var b = 0; b < growth.Length; b++)
            if (growth[b] > 0) table[b].Sort();
    }

    // Two copies of one entry have the same chunk-0 bucket and low bits, so they share a run of that bucket.
    // Old entries were never repeated and new ones repeating old ones were skipped, so any equal pair is new.
    private List<int> DropRepeats(List<int> added)
    {
        var repeats = new HashSet<int>();
        var table = _tables[0];
        foreach (var bucket in added.Select(slot => Locate(_hashes[slot], 0, slot).Bucket).Distinct())
        {
            ref var postings = ref table[bucket];
            for (var start = 0; start < postings.Count;)
            {
                var end = start + 1;
                while (end < postings.Count && (postings.Postings[end] & ~SlotMask) == (postings.Postings[start] & ~SlotMask)) end++;
                for (var i = start; i < end; i++)
                    for (var j = i + 1; j < end; j++)
                    {
                        int a = (int)(postings.Postings[i] & SlotMask), b = (int)(postings.Postings[j] & SlotMask);
                        if (!repeats.Contains(a) && _hashes[a] == _hashes[b] && _lists[a] == _lists[b] && _entries[a].Equals(_entries[b]))
                            repeats.Add(b);
                    }
                start = end;
            }
        }
        if (repeats.Count == 0) return added;
        foreach (var slot in repeats)
        {
            var (bucket, posting) = Locate(_hashes[slot], 0, slot);
            table[bucket].Remove(posting);
            FreeSlot(slot);
        }
        return added.Where(slot => !repeats.Contains(slot)).ToList();
    }

    public bool Remove(ushort list, TEntry entry, PdqHash hash)
    {
        var slot = Find(list, entry, hash);
        if (slot < 0) return false;
        for (var c = 0; c < PdqChunks.Count; c++)
        {
            var (bucket, posting) = Locate(hash, c, slot);
            _tables[c][bucket].Remove(posting);
        }
        FreeSlot(slot);
        return true;
    }

    private void FreeSlot(int slot)
    {
        _entries[slot] = default!; // let a reference-type entry be collected
        _freeSlots.Push(slot);
    }

    /// <summary>
    /// Every entry whose hash is within <paramref name="threshold"/> of <paramref name="query"/> and also within
    /// its own list's threshold (<paramref name="listThresholds"/>, indexed by list number).
    /// </summary>
    /// <remarks>
    /// At ten million hashes the time goes almost all into cache misses: some 1,400 bucket probes and 2,900
    /// candidate hashes, each at a random address. So the probes of a chunk are prefetched in sweeps before
    /// they are read (a third faster, measured), and the candidates of all chunks are collected before any of
    /// their hashes is read, so that the loop checking them has independent loads the CPU can overlap. Prefetching
    /// more (the neighbouring runs of one-flip probes; the next chunks' probes while one chunk is read) measured no
    /// gain; the same queries with everything already cached take a quarter of the time (docs/benchmarks.md).
    /// </remarks>
    public void Search(PdqHash query, int threshold, IReadOnlyList<int> listThresholds, Action<ushort, TEntry, PdqHash, int> onMatch)
    {
        var radii = PdqChunks.Radii(threshold);
        var candidates = new CandidateList();
        try
        {
            for (var c = 0; c < PdqChunks.Count; c++)
                if (radii[c] >= 0) CollectCandidates(query, c, radii[c], ref candidates);
            for (var i = 0; i < candidates.Count; i++)
            {
                var slot = candidates.Slot(i);
                var hash = _hashes[slot];
                var distance = query.DistanceTo(hash);
                if (distance > threshold || distance > listThresholds[_lists[slot]]) continue;
                if (FoundInEarlierChunk(query, hash, candidates.Chunk(i), radii)) continue;
                onMatch(_lists[slot], _entries[slot], hash, distance);
            }
        }
        finally
        {
            candidates.Dispose();
        }
    }

    /// <summary>The slots whose posting in this chunk is within <paramref name="radius"/> of the query's chunk.</summary>
    private void CollectCandidates(in PdqHash query, int chunk, int radius, ref CandidateList candidates)
    {
        var value = PdqChunks.Value(query, chunk);
        var lowBits = PdqChunks.LowBits(chunk);
        var directory = (int)(value >> lowBits);
        var low = value & ((1u << lowBits) - 1);
        var table = _tables[chunk];
        var flips = PdqChunks.FlipMasks(chunk);
        var probes = PdqChunks.MasksWithin(chunk, radius);

        // Two prefetch sweeps: the bucket headers, then (once a header is cached) where the query's own low bits
        // sit in each bucket, which is where most probes read.
        for (var m = 0; m < probes; m++) Prefetch.Line(ref table[directory ^ flips[m]]);
        for (var m = 0; m < probes; m++)
        {
            ref var bucket = ref table[directory ^ flips[m]];
            if (bucket.Count > 0) Prefetch.Line(ref bucket.At(RunGuess(bucket, low, lowBits)));
        }

        for (var m = 0; m < probes; m++)
        {
            ref var bucket = ref table[directory ^ flips[m]];
            if (bucket.Count == 0) continue;
            var spare = radius - BitOperations.PopCount((uint)flips[m]); // flips left for the low bits
            // With at most one flip left, the low bits take one of up to eight values: read just those runs of the
            // sorted bucket, each found from an estimate of where it starts. With more, read the whole bucket.
            if (spare == 0)
            {
                CollectRun(ref bucket, low, lowBits, chunk, ref candidates);
            }
            else if (spare == 1)
            {
                CollectRun(ref bucket, low, lowBits, chunk, ref candidates);
                for (var k = 0; k < lowBits; k++) CollectRun(ref bucket, low ^ (1u << k), lowBits, chunk, ref candidates);
            }
            else
            {
                for (var i = 0; i < bucket.Count; i++)
                {
                    var posting = bucket.At(i);
                    if (BitOperations.PopCount((posting >> PdqChunks.SlotBits) ^ low) <= spare)
                        candidates.Add((int)(posting & SlotMask), chunk);
                }
            }
        }
    }

    private static void CollectRun(ref PostingBucket bucket, uint low, int lowBits, int chunk, ref CandidateList candidates)
    {
        for (var i = bucket.RunStart(low << PdqChunks.SlotBits, RunGuess(bucket, low, lowBits)); i < bucket.Count; i++)
        {
            var posting = bucket.At(i);
            if (posting >> PdqChunks.SlotBits != low) break;
            candidates.Add((int)(posting & SlotMask), chunk);
        }
    }

    // Low bits are uniform over the bucket, so the run of `low` starts about low/2^lowBits of the way in.
    private static int RunGuess(in PostingBucket bucket, uint low, int lowBits) =>
        Math.Min((int)((low * (long)bucket.Count) >> lowBits), bucket.Count - 1);

    // A hash within reach of several chunks turns up once per chunk; report it only from the first.
    private static bool FoundInEarlierChunk(in PdqHash query, in PdqHash hash, int chunk, int[] radii)
    {
        for (var c = 0; c < chunk; c++)
            if (radii[c] >= 0 && PdqChunks.Distance(query, hash, c) <= radii[c]) return true;
        return false;
    }

    private int Find(ushort list, TEntry entry, PdqHash hash)
    {
        var (bucket, probe) = Locate(hash, 0, 0); // slot 0: the first posting of the run with these low bits
        ref var candidates = ref _tables[0][bucket];
        for (var i = candidates.LowerBound(probe); i < candidates.Count && (candidates.Postings[i] & ~SlotMask) == probe; i++)
        {
            var slot = (int)(candidates.Postings[i] & SlotMask);
            if (_hashes[slot] == hash && _lists[slot] == list && _entries[slot].Equals(entry)) return slot;
        }
        return -1;
    }

    private static (int Bucket, uint Posting) Locate(in PdqHash hash, int chunk, int slot)
    {
        var value = PdqChunks.Value(hash, chunk);
        var lowBits = PdqChunks.LowBits(chunk);
        return ((int)(value >> lowBits), ((value & ((1u << lowBits) - 1)) << PdqChunks.SlotBits) | (uint)slot);
    }

    private int NewSlot()
    {
        if (_freeSlots.TryPop(out var free)) return free;
        if (_slotCount == PdqChunks.MaxSlots)
            throw new InvalidOperationException($"The PDQ index is full ({PdqChunks.MaxSlots:N0} hashes).");
        var slot = _slotCount++;
        _hashes.EnsureCapacity(_slotCount);
        _entries.EnsureCapacity(_slotCount);
        _lists.EnsureCapacity(_slotCount);
        return slot;
    }
}

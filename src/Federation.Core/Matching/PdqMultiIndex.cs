using System.Numerics;

namespace Federation.Core.Matching;

/// <summary>
/// PDQ hashes with their entries, searchable by Hamming distance through multi-index hashing
/// (see <see cref="PdqChunks"/> for the cut and for why the search misses nothing). Not thread-safe on its
/// own; <see cref="MatchIndex{TEntry}"/> guards it.
/// </summary>
/// <remarks>
/// Storage per entry: its hash (32 bytes) in a paged array, its list number and its entry, and one 4-byte
/// posting in each of the 12 chunk tables. A posting is the chunk's bits below the bucket (up to 6) over a
/// 26-bit slot number, so a probe rejects most of a bucket without touching the hash array. That is about
/// 90 bytes per hash, so 10⁷ hashes take well under a gigabyte, with no object per entry.
/// </remarks>
internal sealed class PdqMultiIndex<TEntry> where TEntry : IEquatable<TEntry>
{
    private readonly PagedArray<PdqHash> _hashes = new();
    private readonly PagedArray<TEntry> _entries = new();
    private readonly PagedArray<ushort> _lists = new();
    private readonly Stack<int> _freeSlots = new();
    private readonly PostingBucket[][] _tables = new PostingBucket[PdqChunks.Count][];
    private int _slotCount; // slots ever handed out, live or free

    private const uint SlotMask = (1u << PdqChunks.SlotBits) - 1;

    public PdqMultiIndex()
    {
        for (var c = 0; c < PdqChunks.Count; c++) _tables[c] = new PostingBucket[PdqChunks.DirectorySize];
    }

    public int Count => _slotCount - _freeSlots.Count;

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
    /// Makes room for hashes about to be added, so that a bulk load sizes each bucket once, exactly, instead of
    /// doubling it as it fills (which would leave about a third of the posting memory unused).
    /// </summary>
    public void Reserve(PdqBucketGrowth growth)
    {
        for (var c = 0; c < PdqChunks.Count; c++)
            for (var b = 0; b < PdqChunks.DirectorySize; b++)
                if (growth[c, b] > 0) _tables[c][b].Reserve(growth[c, b]);
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
        _entries[slot] = default!; // let a reference-type entry be collected
        _freeSlots.Push(slot);
        return true;
    }

    /// <summary>
    /// Every entry whose hash is within <paramref name="threshold"/> of <paramref name="query"/> and also within
    /// its own list's threshold (<paramref name="listThresholds"/>, indexed by list number).
    /// </summary>
    public void Search(PdqHash query, int threshold, IReadOnlyList<int> listThresholds, Action<ushort, TEntry, int> onMatch)
    {
        var radii = PdqChunks.Radii(threshold);
        for (var c = 0; c < PdqChunks.Count; c++)
        {
            if (radii[c] < 0) continue;
            var value = PdqChunks.Value(query, c);
            var lowBits = PdqChunks.LowBits(c);
            var directory = (int)(value >> lowBits);
            var low = value & ((1u << lowBits) - 1);
            var table = _tables[c];
            var masks = PdqChunks.MasksWithin[Math.Min(radii[c], PdqChunks.DirectoryBits)];
            for (var m = 0; m < masks; m++)
            {
                var flip = PdqChunks.FlipMasks[m];
                var spare = radii[c] - BitOperations.PopCount((uint)flip); // flips left for the low bits
                ref var bucket = ref table[directory ^ flip];
                if (bucket.Count == 0) continue;
                // With no flips left the low bits must be equal: that is one run of the sorted bucket. Otherwise
                // reading the whole bucket (a few hundred words) beats looking up every low value within reach.
                var first = spare == 0 ? bucket.LowerBound(low << PdqChunks.SlotBits) : 0;
                for (var i = first; i < bucket.Count; i++)
                {
                    var posting = bucket.Postings[i];
                    var lowDistance = BitOperations.PopCount((posting >> PdqChunks.SlotBits) ^ low);
                    if (lowDistance > spare)
                    {
                        if (spare == 0) break; // past the run
                        continue;
                    }
                    Verify(query, threshold, listThresholds, onMatch, c, radii, (int)(posting & SlotMask));
                }
            }
        }
    }

    private void Verify(in PdqHash query, int threshold, IReadOnlyList<int> listThresholds, Action<ushort, TEntry, int> onMatch,
        int chunk, int[] radii, int slot)
    {
        var hash = _hashes[slot];
        var distance = query.DistanceTo(hash);
        if (distance > threshold || distance > listThresholds[_lists[slot]]) return;
        if (FoundInEarlierChunk(query, hash, chunk, radii)) return;
        onMatch(_lists[slot], _entries[slot], distance);
    }

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

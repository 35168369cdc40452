namespace Federation.Core.Matching;

/// <summary>
/// Entries by exact digest (SHA-256 or MD5). One dictionary slot per distinct digest; the entries sharing it
/// are chained through a paged slot array, so a digest held by many lists costs no list object.
/// Not thread-safe on its own; <see cref="MatchIndex{TEntry}"/> guards it.
/// </summary>
internal sealed class ExactTable<TDigest, TEntry>
    where TDigest : IEquatable<TDigest>
    where TEntry : IEquatable<TEntry>
{
    private const int End = -1;

    private readonly Dictionary<TDigest, int> _heads = new();
    private readonly PagedArray<Slot> _slots = new();
    private int _slotCount;
    private int _freeHead = End;
    private int _freeCount;

    public int Count => _slotCount - _freeCount;

    /// <summary>Adds the entry unless the same list already holds it under this digest.</summary>
    public bool Add(ushort list, TEntry entry, TDigest digest)
    {
        var head = _heads.GetValueOrDefault(digest, End);
        for (var s = head; s != End; s = _slots[s].Next)
            if (_slots[s].List == list && _slots[s].Entry.Equals(entry)) return false;
        var slot = NewSlot();
        _slots[slot] = new Slot(entry, list, head);
        _heads[digest] = slot;
        return true;
    }

    public bool Remove(ushort list, TEntry entry, TDigest digest)
    {
        if (!_heads.TryGetValue(digest, out var head)) return false;
        for (int s = head, previous = End; s != End; previous = s, s = _slots[s].Next)
        {
            if (_slots[s].List != list || !_slots[s].Entry.Equals(entry)) continue;
            var next = _slots[s].Next;
            if (previous != End) _slots[previous].Next = next;
            else if (next != End) _heads[digest] = next;
            else _heads.Remove(digest);
            _slots[s] = new Slot(default!, 0, _freeHead);
            _freeHead = s;
            _freeCount++;
            return true;
        }
        return false;
    }

    public void Search(TDigest digest, Action<ushort, TEntry> onMatch)
    {
        if (!_heads.TryGetValue(digest, out var head)) return;
        for (var s = head; s != End; s = _slots[s].Next) onMatch(_slots[s].List, _slots[s].Entry);
    }

    private int NewSlot()
    {
        if (_freeHead != End)
        {
            var free = _freeHead;
            _freeHead = _slots[free].Next;
            _freeCount--;
            return free;
        }
        _slots.EnsureCapacity(_slotCount + 1);
        return _slotCount++;
    }

    private record struct Slot(TEntry Entry, ushort List, int Next);
}

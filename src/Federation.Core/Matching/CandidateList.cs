using System.Buffers;

namespace Federation.Core.Matching;

/// <summary>The candidate slots of one PDQ search, each with the chunk that found it, in a pooled buffer.</summary>
internal struct CandidateList : IDisposable
{
    private const int ChunkBits = 4; // up to 16 chunks
    private int[] _items;

    public CandidateList() => _items = ArrayPool<int>.Shared.Rent(4096);

    public int Count { get; private set; }

    public void Add(int slot, int chunk)
    {
        if (Count == _items.Length)
        {
            var larger = ArrayPool<int>.Shared.Rent(Count * 2);
            _items.AsSpan(0, Count).CopyTo(larger);
            ArrayPool<int>.Shared.Return(_items);
            _items = larger;
        }
        _items[Count++] = (slot << ChunkBits) | chunk; // slots have 25 bits, so this stays positive
    }

    public readonly int Slot(int index) => _items[index] >> ChunkBits;

    public readonly int Chunk(int index) => _items[index] & ((1 << ChunkBits) - 1);

    public void Dispose() => ArrayPool<int>.Shared.Return(_items);
}

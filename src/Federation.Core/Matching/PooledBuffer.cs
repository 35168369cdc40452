using System.Buffers;

namespace Federation.Core.Matching;

/// <summary>
/// A working buffer of an exact length, rented from the shared pool when it is photo-sized. Fresh multi-megabyte
/// arrays cost more to fault in than hashing them takes, so reusing them halves the time of a typical hash;
/// above <see cref="PoolLimit"/> elements the buffer is allocated and dropped, so that one huge image does not
/// leave hundreds of megabytes parked in the pool.
/// </summary>
internal readonly struct PooledBuffer<T> : IDisposable
{
    public const int PoolLimit = 16 * 1024 * 1024;

    private readonly T[] _array;
    private readonly bool _pooled;

    public PooledBuffer(int length)
    {
        Length = length;
        _pooled = length <= PoolLimit;
        _array = _pooled ? ArrayPool<T>.Shared.Rent(length) : GC.AllocateUninitializedArray<T>(length);
    }

    public int Length { get; }

    public Span<T> Span => _array.AsSpan(0, Length);

    public void Dispose()
    {
        if (_pooled) ArrayPool<T>.Shared.Return(_array);
    }
}

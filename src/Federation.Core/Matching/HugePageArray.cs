using System.Runtime.CompilerServices;

namespace Federation.Core.Matching;

/// <summary>
/// A growable array of unmanaged values in native pages of 2 MiB, each aligned to 2 MiB and marked for transparent
/// huge pages. Growing never copies what is stored. Used for the PDQ hashes, which a search reads at random slots:
/// with 4 KiB pages nearly every such read also misses the TLB, and in a virtual machine a TLB miss walks two page
/// tables; one 2 MiB page covers 65,536 hashes with a single TLB entry. Measured at 10⁷ hashes, queries at distance
/// 31 interleaved with the same index reading a managed copy: 0.32 against 0.39 ms of CPU (docs/benchmarks.md).
/// </summary>
/// <remarks>
/// Linux only asks: with transparent huge pages set to <c>madvise</c> (the usual default) memory gets huge pages only
/// when advised, which the .NET GC never does for its heap. Elsewhere, or if the kernel declines, the pages are
/// ordinary ones and only the speed differs. The pages are freed by <see cref="Dispose"/> or, failing that, by the
/// finalizer.
/// </remarks>
internal sealed unsafe class HugePageArray<T> : IDisposable where T : unmanaged
{
    private const int PageBytes = HugePages.Size;

    private static readonly int PageBits = PageBitsOf(sizeof(T));
    private static readonly int PageMask = (1 << PageBits) - 1;

    private nint[] _pages = [];
    private int _pageCount;

    ~HugePageArray() => Free();

    public int Capacity => _pageCount << PageBits;

    /// <summary>Bytes held in native pages (not counted by the GC).</summary>
    public long NativeBytes => (long)_pageCount * PageBytes;

    /// <summary>Element <paramref name="index"/>, which the caller keeps below <see cref="Capacity"/>.</summary>
    public ref T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref ((T*)_pages[index >> PageBits])[index & PageMask];
    }

    public void EnsureCapacity(int count)
    {
        while (Capacity < count)
        {
            if (_pageCount == _pages.Length) Array.Resize(ref _pages, Math.Max(16, _pages.Length * 2));
            _pages[_pageCount++] = (nint)HugePages.Allocate();
        }
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        for (var i = 0; i < _pageCount; i++) HugePages.Free((void*)_pages[i]);
        _pageCount = 0;
    }

    private static int PageBitsOf(int size) =>
        size > 0 && (size & (size - 1)) == 0 && size <= PageBytes
            ? System.Numerics.BitOperations.Log2((uint)(PageBytes / size))
            : throw new NotSupportedException($"{typeof(T).Name} is {size} bytes; a huge-page array needs a power of two.");
}

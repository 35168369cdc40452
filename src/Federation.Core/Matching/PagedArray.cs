namespace Federation.Core.Matching;

/// <summary>
/// A growable array in 64 Ki-element pages. Growing never copies what is stored and never needs one huge block,
/// which matters for an index of ten million entries that is built once and then grows a release at a time.
/// </summary>
internal sealed class PagedArray<T>
{
    private const int PageBits = 16;
    private const int PageSize = 1 << PageBits;
    private const int PageMask = PageSize - 1;

    private T[][] _pages = [];
    private int _pageCount;

    public int Capacity => _pageCount << PageBits;

    public ref T this[int index] => ref _pages[index >> PageBits][index & PageMask];

    public void EnsureCapacity(int count)
    {
        while (Capacity < count)
        {
            if (_pageCount == _pages.Length) Array.Resize(ref _pages, Math.Max(16, _pages.Length * 2));
            _pages[_pageCount++] = new T[PageSize];
        }
    }
}

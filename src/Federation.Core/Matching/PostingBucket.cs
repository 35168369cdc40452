namespace Federation.Core.Matching;

/// <summary>
/// One bucket of a <see cref="PdqMultiIndex{TEntry}"/> chunk table: postings kept in ascending order. A posting
/// holds the chunk's low bits above the slot number, so the order groups postings by low bits and a probe that
/// needs one exact low value finds its run by binary search instead of reading the whole bucket.
/// </summary>
internal struct PostingBucket
{
    /// <summary>Null while the bucket is empty, so the 786,432 buckets of an empty index cost no arrays.</summary>
    public uint[] Postings;
    public int Count;

    public void Insert(uint posting)
    {
        if (Postings is null || Count == Postings.Length) Array.Resize(ref Postings, Math.Max(4, Count * 2));
        var at = LowerBound(posting);
        Array.Copy(Postings, at, Postings, at + 1, Count - at);
        Postings[at] = posting;
        Count++;
    }

    public void Reserve(int more)
    {
        if (Postings is null || Postings.Length < Count + more) Array.Resize(ref Postings, Count + more);
    }

    /// <summary>Removes a posting known to be present.</summary>
    public void Remove(uint posting)
    {
        var at = LowerBound(posting);
        Array.Copy(Postings, at + 1, Postings, at, Count - at - 1);
        if (--Count == 0) Postings = null!;
    }

    /// <summary>The index of the first posting not below <paramref name="value"/> (Count if none).</summary>
    public readonly int LowerBound(uint value)
    {
        int low = 0, high = Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (Postings[middle] < value) low = middle + 1;
            else high = middle;
        }
        return low;
    }
}

namespace Federation.Core.Matching;

/// <summary>One bucket of a <see cref="PdqMultiIndex{TEntry}"/> chunk table: postings in no particular order.</summary>
internal struct PostingBucket
{
    /// <summary>Null while the bucket is empty, so the 786,432 buckets of an empty index cost no arrays.</summary>
    public uint[] Postings;
    public int Count;

    public void Append(uint posting)
    {
        if (Postings is null || Count == Postings.Length) Array.Resize(ref Postings, Math.Max(4, Count * 2));
        Postings[Count++] = posting;
    }

    public void Reserve(int more)
    {
        if (Postings is null || Postings.Length < Count + more) Array.Resize(ref Postings, Count + more);
    }

    /// <summary>Removes one posting known to be present, by moving the last one into its place.</summary>
    public void Remove(uint posting)
    {
        var at = Array.IndexOf(Postings, posting, 0, Count);
        Postings[at] = Postings[--Count];
        if (Count == 0) Postings = null!;
    }
}

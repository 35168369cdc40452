using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Federation.Core.Matching;

/// <summary>
/// One bucket of a <see cref="PdqMultiIndex{TEntry}"/> chunk table: postings kept in ascending order. A posting
/// holds the chunk's low bits above the slot number, so the order groups postings by low bits and a probe that
/// needs one exact low value finds its run by binary search instead of reading the whole bucket.
/// </summary>
internal struct PostingBucket
{
    /// <summary>Null while the bucket is empty, so the million buckets of an empty index cost no arrays.</summary>
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

    /// <summary>Appends without keeping the order; the caller restores it with <see cref="Sort"/>.</summary>
    public void AppendUnsorted(uint posting) => Postings[Count++] = posting;

    public void Sort() => Array.Sort(Postings, 0, Count);

    /// <summary>Makes room for <paramref name="more"/> postings: exactly, or by at least a quarter if the bucket holds some.</summary>
    /// <remarks>
    /// A start-up load adds its entries a batch at a time (the node's batches are 262,144). Growing exactly would regrow
    /// every bucket once per batch, 38 times at 10⁷ hashes, and the discarded arrays pile up in the GC heap faster than
    /// it collects them; a quarter more regrows a bucket about 14 times and leaves at most a quarter of it unused.
    /// </remarks>
    public void Reserve(int more)
    {
        var needed = Count + more;
        if (Postings is not null && Postings.Length >= needed) return;
        Array.Resize(ref Postings, Count == 0 ? needed : Math.Max(needed, Count + Count / 4));
    }

    /// <summary>Removes a posting known to be present.</summary>
    public void Remove(uint posting)
    {
        var at = LowerBound(posting);
        Array.Copy(Postings, at + 1, Postings, at, Count - at - 1);
        if (--Count == 0) Postings = null!;
    }

    /// <summary>Posting <paramref name="index"/>, which the caller keeps below <see cref="Count"/>.</summary>
    /// <remarks>Unchecked: the array length sits on another cache line than the posting, and the probe loop
    /// would pay a miss per bucket to read it.</remarks>
    public readonly ref uint At(int index) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Postings), index);

    /// <summary>
    /// The index of the first posting not below <paramref name="value"/> (Count if none), walking from
    /// <paramref name="guess"/>: near-constant time when the guess is good, a scan of the bucket at worst.
    /// </summary>
    public readonly int RunStart(uint value, int guess)
    {
        while (guess > 0 && At(guess - 1) >= value) guess--;
        while (guess < Count && At(guess) < value) guess++;
        return guess;
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

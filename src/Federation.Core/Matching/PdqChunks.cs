using System.Numerics;

namespace Federation.Core.Matching;

/// <summary>
/// How <see cref="PdqMultiIndex{TEntry}"/> cuts a 256-bit hash for multi-index hashing: eight chunks of 22 bits,
/// then four of 20. The top 16 bits of a chunk pick its bucket; the rest (6 or 4 bits) are kept in the posting.
/// </summary>
/// <remarks>
/// <para><b>Why the search is exact (pigeonhole).</b> The chunk distances of two hashes add up to their total
/// distance. With 12 chunks and threshold <c>t = 12·r + a</c> (0 ≤ a &lt; 12), any pair within t has one of
/// chunks 0..a within r of the query, or one of the other chunks within r − 1: otherwise the total would be at
/// least <c>(a+1)(r+1) + (11−a)·r = t + 1</c>. So probing every chunk within its radius finds every match.</para>
/// <para><b>Why these sizes.</b> Multi-index hashing is fastest when a chunk has about log2(N) bits, so that
/// a bucket holds about one entry; at N = 10⁷ that is 23. For t = 31 the rule gives r = 2 on chunks 0..7 and
/// r = 1 on chunks 8..11, so the wide chunks take the wider radius. A random hash then meets about 5,600
/// candidates in 10⁷ (against 41,000 with sixteen 16-bit chunks at radius 1), while the bucket directories
/// stay at 2¹⁶ per chunk, small enough to grow and shrink entry by entry.</para>
/// </remarks>
internal static class PdqChunks
{
    public const int Count = 12;
    public const int DirectoryBits = 16;
    public const int DirectorySize = 1 << DirectoryBits;

    /// <summary>A posting is the chunk's low bits (at most 6) above a slot number of this many bits.</summary>
    public const int SlotBits = 26;
    public const int MaxSlots = 1 << SlotBits;

    private static readonly int[] Starts = [0, 22, 44, 66, 88, 110, 132, 154, 176, 196, 216, 236];
    private static readonly int[] Lengths = [22, 22, 22, 22, 22, 22, 22, 22, 20, 20, 20, 20];

    /// <summary>All 16-bit flip masks ordered by how many bits they flip.</summary>
    public static readonly ushort[] FlipMasks = BuildFlipMasks();

    /// <summary><c>MasksWithin[k]</c> = how many of <see cref="FlipMasks"/> flip at most k bits.</summary>
    public static readonly int[] MasksWithin = BuildMasksWithin();

    public static int Start(int chunk) => Starts[chunk];

    public static int Length(int chunk) => Lengths[chunk];

    public static int LowBits(int chunk) => Lengths[chunk] - DirectoryBits;

    /// <summary>The chunk's bits as a number (bit 0 = the chunk's lowest bit of the hash).</summary>
    public static uint Value(in PdqHash hash, int chunk)
    {
        var start = Starts[chunk];
        var length = Lengths[chunk];
        var word = start >> 6;
        var offset = start & 63;
        var bits = hash.Word(word) >> offset;
        if (offset + length > 64) bits |= hash.Word(word + 1) << (64 - offset);
        return (uint)(bits & ((1UL << length) - 1));
    }

    public static int Distance(in PdqHash a, in PdqHash b, int chunk) => BitOperations.PopCount(Value(a, chunk) ^ Value(b, chunk));

    /// <summary>The radius to probe in each chunk for threshold <paramref name="threshold"/>; −1 means skip the chunk.</summary>
    public static int[] Radii(int threshold)
    {
        var radii = new int[Count];
        int r = threshold / Count, a = threshold % Count;
        for (var c = 0; c < Count; c++) radii[c] = c <= a ? r : r - 1;
        return radii;
    }

    private static ushort[] BuildFlipMasks() =>
        Enumerable.Range(0, DirectorySize).OrderBy(m => BitOperations.PopCount((uint)m)).ThenBy(m => m).Select(m => (ushort)m).ToArray();

    private static int[] BuildMasksWithin()
    {
        var within = new int[DirectoryBits + 1];
        for (var k = 0; k <= DirectoryBits; k++)
            within[k] = Enumerable.Range(0, DirectorySize).Count(m => BitOperations.PopCount((uint)m) <= k);
        return within;
    }
}

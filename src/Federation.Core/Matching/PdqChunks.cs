using System.Numerics;

namespace Federation.Core.Matching;

/// <summary>
/// How <see cref="PdqMultiIndex{TEntry}"/> cuts a 256-bit hash for multi-index hashing: eleven chunks, three of
/// 24 bits then eight of 23. The top bits of a chunk (17 of a 24-bit chunk, 16 of a 23-bit one) pick its
/// bucket; the low 7 bits are kept in the posting, above the slot number.
/// </summary>
/// <remarks>
/// <para><b>Why the search is exact (pigeonhole).</b> The chunk distances of two hashes add up to their total
/// distance. With 11 chunks and threshold <c>t = 11·r + a</c> (0 ≤ a &lt; 11), any pair within t has one of
/// chunks 0..a within r of the query, or one of the other chunks within r − 1: otherwise the total would be at
/// least <c>(a+1)(r+1) + (10−a)·r = t + 1</c>. So probing every chunk within its radius finds every match, and
/// the tests check exactly that edge for every threshold.</para>
/// <para><b>Why these sizes.</b> Multi-index hashing is fastest when a chunk has about log2(N) bits, so that
/// a bucket holds about one entry: 23 at N = 10⁷. For t = 31 the rule gives radius 2 on chunks 0..9 and 1 on
/// chunk 10. At 10⁷ hashes a random query then meets about 2,900 candidates through about 1,400 bucket probes;
/// twelve chunks of 22/20 bits would need 5,600 candidates, sixteen of 16 bits 41,000. What costs is memory
/// latency (each probe and each candidate is a cache miss), so fewer candidates win even at a few more probes.
/// The directories stay at 2¹⁶ or 2¹⁷ buckets per chunk, small enough to update entry by entry.</para>
/// </remarks>
internal static class PdqChunks
{
    public const int Count = 11;

    /// <summary>A posting is the chunk's 7 low bits above a slot number of this many bits.</summary>
    public const int SlotBits = 25;
    public const int MaxSlots = 1 << SlotBits;

    private static readonly int[] Starts = [0, 24, 48, 72, 95, 118, 141, 164, 187, 210, 233];
    private static readonly int[] Lengths = [24, 24, 24, 23, 23, 23, 23, 23, 23, 23, 23];
    private static readonly int[] DirectoryWidths = [17, 17, 17, 16, 16, 16, 16, 16, 16, 16, 16];

    // Flip masks for a 16- and a 17-bit directory, ordered by how many bits they flip, and how many of them
    // flip at most k bits.
    private static readonly int[] Flips16 = BuildFlips(16), Flips17 = BuildFlips(17);
    private static readonly int[] Within16 = BuildWithin(16), Within17 = BuildWithin(17);

    public static int Start(int chunk) => Starts[chunk];

    public static int Length(int chunk) => Lengths[chunk];

    public static int DirectorySize(int chunk) => 1 << DirectoryWidths[chunk];

    public static int LowBits(int chunk) => Lengths[chunk] - DirectoryWidths[chunk];

    /// <summary>Every mask over the chunk's directory bits, fewest flipped bits first.</summary>
    public static int[] FlipMasks(int chunk) => DirectoryWidths[chunk] == 17 ? Flips17 : Flips16;

    /// <summary>How many of <see cref="FlipMasks"/> flip at most <paramref name="radius"/> bits.</summary>
    public static int MasksWithin(int chunk, int radius) =>
        (DirectoryWidths[chunk] == 17 ? Within17 : Within16)[Math.Min(radius, DirectoryWidths[chunk])];

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

    private static int[] BuildFlips(int width) =>
        Enumerable.Range(0, 1 << width).OrderBy(m => BitOperations.PopCount((uint)m)).ThenBy(m => m).ToArray();

    private static int[] BuildWithin(int width) =>
        Enumerable.Range(0, width + 1).Select(k => Enumerable.Range(0, 1 << width).Count(m => BitOperations.PopCount((uint)m) <= k)).ToArray();
}

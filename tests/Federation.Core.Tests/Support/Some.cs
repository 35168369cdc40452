using Federation.Core.Matching;

namespace Federation.Core.Tests.Support;

/// <summary>Test data that only needs to be plausible: random hashes, and hashes at an exact distance from another.</summary>
public static class Some
{
    public static PdqHash PdqHash(Random random) => new(Word(random), Word(random), Word(random), Word(random));

    /// <summary>A copy of <paramref name="hash"/> with exactly <paramref name="distance"/> distinct bits flipped.</summary>
    public static PdqHash PdqHashAt(PdqHash hash, int distance, Random random)
    {
        var bits = Enumerable.Range(0, Core.Matching.PdqHash.Bits).OrderBy(_ => random.Next()).Take(distance);
        foreach (var bit in bits) hash = hash.FlipBit(bit);
        return hash;
    }

    public static PdqResult Matchable(PdqHash hash) => new(hash, 100);

    public static Sha256Hash Sha256(Random random) => new(Word(random), Word(random), Word(random), Word(random));

    public static Md5Hash Md5(Random random) => new(Word(random), Word(random));

    private static ulong Word(Random random)
    {
        Span<byte> bytes = stackalloc byte[8];
        random.NextBytes(bytes);
        return BitConverter.ToUInt64(bytes);
    }
}

using Federation.Core.Identity;
using Federation.Core.Matching;

namespace Federation.Core.Tests.Support;

/// <summary>Fixed test data: one instant every check is made at, the node ids of the sample agencies, and plausible random hashes.</summary>
internal static class Some
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly NodeId Kr = NodeId.Parse("kr-knpa");
    public static readonly NodeId Fr = NodeId.Parse("fr-ofmin");

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "federation-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

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

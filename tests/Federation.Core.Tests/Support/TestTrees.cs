using Federation.Core.Ledger;

namespace Federation.Core.Tests.Support;

internal static class TestTrees
{
    /// <summary>Appends every entry's leaf hash with the production code and stores the completed nodes.</summary>
    public static (InMemoryMerkleNodeStore Store, CompactRange Range) Build(IEnumerable<byte[]> entries)
    {
        var store = new InMemoryMerkleNodeStore();
        var completed = new List<StoredNode>();
        var range = CompactRange.Empty.Append([.. entries.Select(e => Rfc6962.LeafHash(e))], completed);
        store.AddRange(completed);
        return (store, range);
    }

    public static List<byte[]> RandomEntries(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var entry = new byte[random.Next(0, 48)];
            random.NextBytes(entry);
            return entry;
        })];
    }

    /// <summary>A copy of <paramref name="hash"/> with one bit flipped.</summary>
    public static MerkleHash FlipBit(MerkleHash hash, int bit = 0)
    {
        var bytes = hash.ToArray();
        bytes[bit / 8] ^= (byte)(1 << (bit % 8));
        return MerkleHash.FromBytes(bytes);
    }
}

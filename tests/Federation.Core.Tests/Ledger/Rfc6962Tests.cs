using Federation.Core.Ledger;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Ledger;

public class Rfc6962Tests
{
    private static readonly System.Text.Json.JsonElement Tree = Vectors.Tlog("rfc6962_tree_8leaves.json");

    private static List<byte[]> Leaves => [.. Tree.GetProperty("leaves_hex").EnumerateArray().Select(e => e.Bytes())];

    [Fact]
    public void Known_answer_hashes_match_transparency_dev()
    {
        var checkedCount = 0;
        foreach (var vector in Tree.GetProperty("known_answer_hashes").EnumerateArray())
        {
            var want = vector.GetProperty("want_hex").Hash();
            var got = vector.GetProperty("kind").GetString() switch
            {
                "empty_root" => Rfc6962.EmptyRoot,
                "leaf" => Rfc6962.LeafHash(vector.GetProperty("input_hex").Bytes()),
                "node" => Rfc6962.NodeHash(vector.GetProperty("left_hex").Bytes(), vector.GetProperty("right_hex").Bytes()),
                var kind => throw new InvalidOperationException($"Unknown vector kind {kind}"),
            };
            Assert.Equal(want, got);
            checkedCount++;
        }
        Assert.Equal(4, checkedCount);
    }

    [Fact]
    public void Empty_leaf_hash_differs_from_empty_tree_root()
    {
        Assert.NotEqual(Rfc6962.EmptyRoot, Rfc6962.LeafHash([]));
    }

    [Fact]
    public void Leaf_hashes_of_the_eight_leaf_tree_match()
    {
        var want = Tree.GetProperty("leaf_hashes_hex").Hashes();
        Assert.Equal(want, Leaves.Select(l => Rfc6962.LeafHash(l)));
    }

    [Fact]
    public void Large_leaves_hash_the_same_as_through_a_single_buffer()
    {
        // LeafHash switches from a stack buffer to incremental hashing above 1 KiB; both must be SHA-256(0x00 || d).
        foreach (var length in new[] { 1023, 1024, 1025, 70_000 })
        {
            var entry = new byte[length];
            new Random(length).NextBytes(entry);
            var want = System.Security.Cryptography.SHA256.HashData([0x00, .. entry]);
            Assert.Equal(MerkleHash.FromBytes(want), Rfc6962.LeafHash(entry));
        }
    }

    [Fact]
    public void Roots_of_every_prefix_of_the_eight_leaf_tree_match()
    {
        var roots = Tree.GetProperty("roots_by_size_hex");
        var range = CompactRange.Empty;
        var completed = new List<StoredNode>();
        Assert.Equal(roots.GetProperty("0").Hash(), range.RootHash());
        for (var n = 1; n <= 8; n++)
        {
            range = range.Append(Rfc6962.LeafHash(Leaves[n - 1]), completed);
            Assert.Equal(roots.GetProperty(n.ToString()).Hash(), range.RootHash());
        }
    }

    [Fact]
    public void Stored_subtrees_are_the_node_hashes_by_level_of_the_vector()
    {
        var (store, _) = TestTrees.Build(Leaves);
        var levels = Tree.GetProperty("node_hashes_by_level_hex").EnumerateArray().ToList();
        Assert.Equal(4, levels.Count);
        for (var level = 0; level < levels.Count; level++)
        {
            var want = levels[level].Hashes();
            for (var index = 0; index < want.Count; index++)
                Assert.Equal(want[index], store.Read(new NodeAddress(level, (ulong)index)));
            Assert.Throws<KeyNotFoundException>(() => store.Read(new NodeAddress(level, (ulong)want.Count)));
        }
    }
}

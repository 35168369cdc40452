using System.Numerics;
using Federation.Core.Ledger;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Ledger;

public class CompactRangeTests
{
    [Fact]
    public void Appending_leaf_n_completes_one_plus_trailing_ones_of_n_subtrees()
    {
        var range = CompactRange.Empty;
        var completed = new List<StoredNode>();
        for (ulong n = 0; n < 200; n++)
        {
            completed.Clear();
            range = range.Append(Rfc6962.LeafHash([(byte)n]), completed);
            Assert.Equal(1 + BitOperations.TrailingZeroCount(~n), completed.Count);
            Assert.Equal(new NodeAddress(0, n), completed[0].Address);
            Assert.Equal(BitOperations.PopCount(n + 1), range.Roots.Count);
        }
    }

    [Fact]
    public void Appending_a_batch_equals_appending_one_by_one()
    {
        var leaves = TestTrees.RandomEntries(100, seed: 5).Select(e => Rfc6962.LeafHash(e)).ToArray();
        var batchNodes = new List<StoredNode>();
        var batch = CompactRange.Empty.Append(leaves.AsSpan(0, 37), batchNodes).Append(leaves.AsSpan(37), batchNodes);
        var singleNodes = new List<StoredNode>();
        var single = CompactRange.Empty;
        foreach (var leaf in leaves) single = single.Append(leaf, singleNodes);

        Assert.Equal(single.Size, batch.Size);
        Assert.Equal(single.Roots, batch.Roots);
        Assert.Equal(singleNodes, batchNodes);
    }

    [Fact]
    public void Appending_leaves_the_original_range_unchanged()
    {
        var range = CompactRange.Empty.Append(Rfc6962.LeafHash([1]), []);
        var root = range.RootHash();
        _ = range.Append(Rfc6962.LeafHash([2]), []);
        Assert.Equal(1UL, range.Size);
        Assert.Equal(root, range.RootHash());
    }

    [Fact]
    public async Task A_range_restored_from_the_store_continues_like_the_original()
    {
        var entries = TestTrees.RandomEntries(150, seed: 9);
        var (store, _) = TestTrees.Build(entries.Take(93));
        var restored = await CompactRange.LoadAsync(store, 93);

        var completed = new List<StoredNode>();
        var continued = restored.Append([.. entries.Skip(93).Select(e => Rfc6962.LeafHash(e))], completed);
        store.AddRange(completed);

        var (_, straight) = TestTrees.Build(entries);
        Assert.Equal(straight.RootHash(), continued.RootHash());
        Assert.Equal(150UL, store.LeafCount);
    }

    [Fact]
    public void Root_addresses_follow_the_binary_decomposition_of_the_size()
    {
        Assert.Equal([new NodeAddress(2, 0), new NodeAddress(1, 2), new NodeAddress(0, 6)], CompactRange.RootAddresses(7));
        Assert.Equal([new NodeAddress(63, 0)], CompactRange.RootAddresses(1UL << 63));
        Assert.Empty(CompactRange.RootAddresses(0));
    }

    [Fact]
    public void Restore_refuses_a_root_count_that_does_not_fit_the_size()
    {
        var ex = Assert.Throws<ArgumentException>(() => CompactRange.Restore(7, [Rfc6962.EmptyRoot, Rfc6962.EmptyRoot]));
        Assert.Contains("has 3 compact-range roots, not 2", ex.Message);
    }

    [Fact]
    public void Empty_range_has_the_empty_tree_root()
    {
        Assert.Equal(Rfc6962.EmptyRoot, CompactRange.Empty.RootHash());
        Assert.Equal(0UL, CompactRange.Empty.Size);
    }
}

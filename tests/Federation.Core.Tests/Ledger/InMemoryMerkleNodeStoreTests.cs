using Federation.Core.Ledger;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Ledger;

public class InMemoryMerkleNodeStoreTests
{
    private static readonly MerkleHash A = Rfc6962.LeafHash([1]);
    private static readonly MerkleHash B = Rfc6962.LeafHash([2]);

    [Fact]
    public void Re_adding_a_stored_node_with_the_same_hash_is_a_no_op()
    {
        var store = new InMemoryMerkleNodeStore();
        store.Add(new StoredNode(new NodeAddress(0, 0), A));
        store.Add(new StoredNode(new NodeAddress(0, 0), A));
        Assert.Equal(1UL, store.LeafCount);
    }

    [Fact]
    public void Refuses_a_different_hash_for_a_stored_node()
    {
        var store = new InMemoryMerkleNodeStore();
        store.Add(new StoredNode(new NodeAddress(0, 0), A));
        var ex = Assert.Throws<InvalidOperationException>(() => store.Add(new StoredNode(new NodeAddress(0, 0), B)));
        Assert.Contains("already stored with a different hash", ex.Message);
        Assert.Equal(A, store.Read(new NodeAddress(0, 0)));
    }

    [Fact]
    public void Refuses_a_node_that_would_leave_a_gap()
    {
        var store = new InMemoryMerkleNodeStore();
        var ex = Assert.Throws<InvalidOperationException>(() => store.Add(new StoredNode(new NodeAddress(1, 1), A)));
        Assert.Contains("would leave a gap", ex.Message);
    }

    [Fact]
    public async Task Proofs_beyond_the_stored_tree_fail_naming_the_missing_subtree()
    {
        var (store, _) = TestTrees.Build(TestTrees.RandomEntries(10, seed: 3));
        var prover = new MerkleProver(store);
        var ex = await Assert.ThrowsAsync<KeyNotFoundException>(async () => await prover.InclusionProofAsync(3, 11));
        Assert.Contains("(0, 10)", ex.Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await prover.InclusionProofAsync(10, 10));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await prover.ConsistencyProofAsync(11, 10));
    }

    [Fact]
    public async Task A_proof_is_read_in_one_call_of_at_most_two_log_n_subtrees()
    {
        var (store, _) = TestTrees.Build(TestTrees.RandomEntries(1000, seed: 4));
        var counting = new CountingReader(store);
        var prover = new MerkleProver(counting);
        for (ulong i = 0; i < 1000; i += 7)
        {
            counting.Reset();
            await prover.InclusionProofAsync(i, 1000);
            Assert.Equal(1, counting.Calls);
            Assert.InRange(counting.Addresses, 1, 2 * 10);
            counting.Reset();
            await prover.ConsistencyProofAsync(i + 1, 1000);
            Assert.InRange(counting.Calls, 0, 1);
            Assert.InRange(counting.Addresses, 0, 2 * 10);
        }
    }

    /// <summary>Counts what a prover asks of the store (a hand-written fake, no mocking library).</summary>
    private sealed class CountingReader(IMerkleNodeReader inner) : IMerkleNodeReader
    {
        public int Calls { get; private set; }

        public int Addresses { get; private set; }

        public void Reset() => (Calls, Addresses) = (0, 0);

        public ValueTask<IReadOnlyList<MerkleHash>> ReadAsync(IReadOnlyList<NodeAddress> addresses, CancellationToken cancellationToken = default)
        {
            Calls++;
            Addresses += addresses.Count;
            return inner.ReadAsync(addresses, cancellationToken);
        }
    }
}

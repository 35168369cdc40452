using Federation.Core.Ledger;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Ledger;

/// <summary>Random trees checked against <see cref="ReferenceMerkleTree"/>, the RFC recursion written out plainly.</summary>
public class MerkleRandomTreeTests
{
    [Fact]
    public async Task Every_root_and_proof_of_every_size_up_to_300_matches_the_reference()
    {
        var entries = TestTrees.RandomEntries(300, seed: 6962);
        var reference = new ReferenceMerkleTree(entries);
        var store = new InMemoryMerkleNodeStore();
        var prover = new MerkleProver(store);
        var range = CompactRange.Empty;
        var roots = new List<MerkleHash> { Rfc6962.EmptyRoot };
        var completed = new List<StoredNode>();

        for (var n = 1; n <= entries.Count; n++)
        {
            completed.Clear();
            range = range.Append(Rfc6962.LeafHash(entries[n - 1]), completed);
            store.AddRange(completed);
            var root = range.RootHash();
            Assert.Equal(MerkleHash.FromBytes(reference.Mth(0, n)), root);
            Assert.Equal(root, await prover.RootAsync((ulong)n));
            roots.Add(root);

            for (var i = 0; i < n; i++)
            {
                var proof = await prover.InclusionProofAsync((ulong)i, (ulong)n);
                Assert.Equal(reference.Path(i, 0, n).Select(h => MerkleHash.FromBytes(h)), proof);
                Assert.Equal(ProofCheck.Valid, MerkleProofs.VerifyInclusion((ulong)i, (ulong)n, Rfc6962.LeafHash(entries[i]), proof, root));
            }
            for (var m = 1; m <= n; m++)
            {
                var proof = await prover.ConsistencyProofAsync((ulong)m, (ulong)n);
                Assert.Equal(m == n ? [] : reference.Proof(m, n).Select(h => MerkleHash.FromBytes(h)), proof);
                Assert.Equal(ProofCheck.Valid, MerkleProofs.VerifyConsistency((ulong)m, (ulong)n, roots[m], root, proof));
            }
        }
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(4097)]
    [InlineData(65537)]
    public async Task Sampled_proofs_of_a_larger_tree_match_the_reference(int size)
    {
        var entries = TestTrees.RandomEntries(size, seed: size);
        var reference = new ReferenceMerkleTree(entries);
        var (store, range) = TestTrees.Build(entries);
        var prover = new MerkleProver(store);
        var root = MerkleHash.FromBytes(reference.Mth(0, size));
        Assert.Equal(root, range.RootHash());

        var random = new Random(size);
        int[] edges = [0, 1, size / 2, size - 2, size - 1];
        foreach (var i in edges.Concat(Enumerable.Range(0, 40).Select(_ => random.Next(size))))
        {
            var proof = await prover.InclusionProofAsync((ulong)i, (ulong)size);
            Assert.Equal(reference.Path(i, 0, size).Select(h => MerkleHash.FromBytes(h)), proof);
            Assert.Equal(ProofCheck.Valid, MerkleProofs.VerifyInclusion((ulong)i, (ulong)size, Rfc6962.LeafHash(entries[i]), proof, root));
        }
        foreach (var m in new[] { 1, 2, 3, 512, size / 2, size - 1 }.Concat(Enumerable.Range(0, 40).Select(_ => random.Next(1, size))))
        {
            var proof = await prover.ConsistencyProofAsync((ulong)m, (ulong)size);
            Assert.Equal(reference.Proof(m, size).Select(h => MerkleHash.FromBytes(h)), proof);
            var oldRoot = MerkleHash.FromBytes(reference.Mth(0, m));
            Assert.Equal(oldRoot, await prover.RootAsync((ulong)m));
            Assert.Equal(ProofCheck.Valid, MerkleProofs.VerifyConsistency((ulong)m, (ulong)size, oldRoot, root, proof));
        }
    }

    [Fact]
    public async Task Flipping_any_bit_of_any_proof_element_is_a_root_mismatch()
    {
        var entries = TestTrees.RandomEntries(77, seed: 77);
        var (store, range) = TestTrees.Build(entries);
        var prover = new MerkleProver(store);
        var root = range.RootHash();
        var oldRoot = await prover.RootAsync(29);
        var inclusion = (await prover.InclusionProofAsync(41, 77)).ToList();
        var consistency = (await prover.ConsistencyProofAsync(29, 77)).ToList();

        for (var element = 0; element < inclusion.Count; element++)
            for (var bit = 0; bit < 256; bit += 37)
            {
                var mutated = inclusion.ToList();
                mutated[element] = TestTrees.FlipBit(mutated[element], bit);
                Assert.Equal(ProofCheck.RootMismatch, MerkleProofs.VerifyInclusion(41, 77, Rfc6962.LeafHash(entries[41]), mutated, root));
            }
        for (var element = 0; element < consistency.Count; element++)
            for (var bit = 0; bit < 256; bit += 37)
            {
                var mutated = consistency.ToList();
                mutated[element] = TestTrees.FlipBit(mutated[element], bit);
                Assert.Equal(ProofCheck.RootMismatch, MerkleProofs.VerifyConsistency(29, 77, oldRoot, root, mutated));
            }
        Assert.Equal(ProofCheck.Valid, MerkleProofs.VerifyInclusion(41, 77, Rfc6962.LeafHash(entries[41]), inclusion, root));
        Assert.Equal(ProofCheck.Valid, MerkleProofs.VerifyConsistency(29, 77, oldRoot, root, consistency));
    }

    [Fact]
    public void Proof_lengths_match_the_reference_for_every_pair_up_to_130()
    {
        var reference = new ReferenceMerkleTree(TestTrees.RandomEntries(130, seed: 1));
        for (var n = 1; n <= 130; n++)
            for (var i = 0; i < n; i++)
            {
                Assert.Equal(reference.Path(i, 0, n).Count, MerkleProofs.InclusionProofLength((ulong)i, (ulong)n));
                if (i > 0) Assert.Equal(i == n ? 0 : reference.Proof(i, n).Count, MerkleProofs.ConsistencyProofLength((ulong)i, (ulong)n));
            }
    }
}

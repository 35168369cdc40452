using System.Text.Json;
using Federation.Core.Ledger;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Ledger;

/// <summary>Generation and verification against rfc6962_proofs_classic.json and generated_rfc6962_proofs.json.</summary>
public class MerkleProofVectorTests
{
    private static readonly JsonElement Classic = Vectors.Tlog("rfc6962_proofs_classic.json");
    private static readonly JsonElement Generated = Vectors.Tlog("generated_rfc6962_proofs.json");

    private static List<byte[]> EightLeaves =>
        [.. Vectors.Tlog("rfc6962_tree_8leaves.json").GetProperty("leaves_hex").EnumerateArray().Select(e => e.Bytes())];

    [Fact]
    public async Task Classic_inclusion_proofs_are_generated_and_verify()
    {
        var (store, _) = TestTrees.Build(EightLeaves);
        var prover = new MerkleProver(store);
        var vectors = Classic.GetProperty("inclusion").EnumerateArray().ToList();
        Assert.Equal(5, vectors.Count);
        foreach (var v in vectors)
        {
            var index = v.GetProperty("leaf_index").GetUInt64();
            var size = v.GetProperty("tree_size").GetUInt64();
            var proof = v.GetProperty("proof_hex").Hashes();
            var leafHash = v.GetProperty("leaf_hash_hex").Hash();
            Assert.Equal(leafHash, Rfc6962.LeafHash(v.GetProperty("leaf_hex").Bytes()));
            Assert.Equal(proof, await prover.InclusionProofAsync(index, size));
            Assert.Equal(ProofCheck.Valid, MerkleProofs.VerifyInclusion(index, size, leafHash, proof, v.GetProperty("root_hex").Hash()));
        }
    }

    [Fact]
    public async Task Classic_consistency_proofs_are_generated_and_verify()
    {
        var (store, _) = TestTrees.Build(EightLeaves);
        var prover = new MerkleProver(store);
        var vectors = Classic.GetProperty("consistency").EnumerateArray().ToList();
        Assert.Equal(5, vectors.Count);
        foreach (var v in vectors)
        {
            var m = v.GetProperty("size1").GetUInt64();
            var n = v.GetProperty("size2").GetUInt64();
            var proof = v.GetProperty("proof_hex").Hashes();
            Assert.Equal(proof, await prover.ConsistencyProofAsync(m, n));
            Assert.Equal(ProofCheck.Valid, MerkleProofs.VerifyConsistency(m, n, v.GetProperty("root1_hex").Hash(), v.GetProperty("root2_hex").Hash(), proof));
        }
    }

    public static TheoryData<string> GeneratedTrees => ["tdm8", "seq130"];

    [Theory]
    [MemberData(nameof(GeneratedTrees))]
    public async Task Generated_roots_and_every_listed_proof_match(string name)
    {
        var tree = Generated.GetProperty("trees").Single("name", name);
        var (store, range) = TestTrees.Build(tree.GetProperty("leaves_hex").EnumerateArray().Select(e => e.Bytes()));
        var prover = new MerkleProver(store);
        var leafHashes = tree.GetProperty("leaves_hex").EnumerateArray().Select(e => Rfc6962.LeafHash(e.Bytes())).ToList();

        var roots = new Dictionary<ulong, MerkleHash>();
        foreach (var root in tree.GetProperty("roots_by_size_hex").EnumerateObject())
        {
            var size = ulong.Parse(root.Name);
            roots[size] = root.Value.Hash();
            Assert.Equal(roots[size], await prover.RootAsync(size));
        }
        Assert.Equal(roots[range.Size], range.RootHash());

        var inclusion = 0;
        foreach (var v in tree.GetProperty("inclusion").EnumerateArray())
        {
            var index = v.GetProperty("leaf_index").GetUInt64();
            var size = v.GetProperty("tree_size").GetUInt64();
            var proof = v.GetProperty("proof_hex").Hashes();
            Assert.Equal(proof, await prover.InclusionProofAsync(index, size));
            Assert.Equal(ProofCheck.Valid, MerkleProofs.VerifyInclusion(index, size, leafHashes[(int)index], proof, roots[size]));
            inclusion++;
        }

        var consistency = 0;
        foreach (var v in tree.GetProperty("consistency").EnumerateArray())
        {
            var m = v.GetProperty("size1").GetUInt64();
            var n = v.GetProperty("size2").GetUInt64();
            var proof = v.GetProperty("proof_hex").Hashes();
            Assert.Equal(proof, await prover.ConsistencyProofAsync(m, n));
            Assert.Equal(ProofCheck.Valid, MerkleProofs.VerifyConsistency(m, n, roots[m], roots[n], proof));
            consistency++;
        }
        Assert.Equal(name == "tdm8" ? (36, 36) : (331, 325), (inclusion, consistency));
    }
}

using System.Text.Json;
using Federation.Core.Ledger;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Ledger;

/// <summary>
/// Every probe of merkle_probes_{inclusion,consistency}.json (transparency-dev/merkle testdata): the positive
/// ones verify, and each must-reject one is refused for the reason its mutation implies.
/// Upstream verifiers take byte slices, so many probes carry "hashes" of 0, 9 or 12 bytes. Here a hash is a
/// <see cref="MerkleHash"/>, which cannot hold anything but 32 bytes: those probes are refused where bytes become
/// hashes, and the tests assert exactly that. A 0-byte "garbage" proof element is an extra element, so it is also
/// replaced by a well-formed hash to show that the verifier refuses the proof on its length.
/// </summary>
public class MerkleProbeTests
{
    private static readonly JsonElement Inclusion = Vectors.Tlog("merkle_probes_inclusion.json");
    private static readonly JsonElement Consistency = Vectors.Tlog("merkle_probes_consistency.json");

    public static TheoryData<string> InclusionProbes => [.. Inclusion.GetProperty("probes").EnumerateArray().Select(p => p.GetProperty("file").GetString()!)];

    public static TheoryData<string> ConsistencyProbes => [.. Consistency.GetProperty("probes").EnumerateArray().Select(p => p.GetProperty("file").GetString()!)];

    [Fact]
    public void Every_probe_is_run()
    {
        Assert.Equal(98, InclusionProbes.Count);
        Assert.Equal(98, ConsistencyProbes.Count);
    }

    [Theory]
    [MemberData(nameof(InclusionProbes))]
    public void Inclusion_probe_is_decided_as_upstream_says(string file)
    {
        var p = Inclusion.GetProperty("probes").Single("file", file);
        var index = p.GetProperty("leafIdx").GetUInt64();
        var size = p.GetProperty("treeSize").GetUInt64();
        var desc = p.GetProperty("desc").GetString()!;
        var leaf = p.GetProperty("leafHash_hex").Bytes();
        var root = p.GetProperty("root_hex").Bytes();
        var proof = ProofElements(p, out var malformedElements);

        if (!MerkleHash.TryFromBytes(leaf, out var leafHash) | !MerkleHash.TryFromBytes(root, out var rootHash) | malformedElements)
        {
            Assert.True(p.GetProperty("wantErr").GetBoolean(), "a probe with a malformed hash must be a must-reject probe");
            if (!malformedElements) return;
        }
        var result = MerkleProofs.VerifyInclusion(index, size, leafHash, proof, rootHash);

        if (!p.GetProperty("wantErr").GetBoolean())
        {
            Assert.Equal(ProofCheck.Valid, result);
            return;
        }
        var expected =
            index >= size ? ProofCheck.LeafIndexBeyondTree
            // Extra or missing elements, or a size that implies another path length.
            : desc is "preceding garbage" or "preceding root" or "trailing garbage" or "trailing root"
                or "inserted component" or "removed component" || desc.StartsWith("treeSize", StringComparison.Ordinal)
                ? ProofCheck.WrongProofLength
            // Another index may sit at another depth (leaves 0-1 versus leaf 2 of a 3-leaf tree).
            : desc.StartsWith("leafIdx", StringComparison.Ordinal) && MerkleProofs.InclusionProofLength(index, size) != proof.Count
                ? ProofCheck.WrongProofLength
            // Right shape, wrong content: a flipped bit, another leaf or index, a foreign root.
            : ProofCheck.RootMismatch;
        Assert.Equal(expected, result);
    }

    [Theory]
    [MemberData(nameof(ConsistencyProbes))]
    public void Consistency_probe_is_decided_as_upstream_says(string file)
    {
        var p = Consistency.GetProperty("probes").Single("file", file);
        var m = p.GetProperty("size1").GetUInt64();
        var n = p.GetProperty("size2").GetUInt64();
        var root1 = p.GetProperty("root1_hex").Bytes();
        var root2 = p.GetProperty("root2_hex").Bytes();

        if (p.TryGetProperty("annotation", out _))
        {
            // The one annotated probe passes 12-byte "roots": a SHA-256 verifier cannot even represent them.
            Assert.NotEqual(MerkleHash.Size, root1.Length);
            Assert.False(MerkleHash.TryFromBytes(root1, out _));
            return;
        }

        var proof = ProofElements(p, out var malformedElements);
        if (!MerkleHash.TryFromBytes(root1, out var oldRoot) | !MerkleHash.TryFromBytes(root2, out var newRoot) | malformedElements)
        {
            Assert.True(p.GetProperty("wantErr").GetBoolean(), "a probe with a malformed hash must be a must-reject probe");
            if (!malformedElements) return;
        }
        var result = MerkleProofs.VerifyConsistency(m, n, oldRoot, newRoot, proof);
        if (!p.GetProperty("wantErr").GetBoolean())
        {
            Assert.Equal(ProofCheck.Valid, result);
            return;
        }
        var desc = p.GetProperty("desc").GetString()!;
        var proofLength = p.GetProperty("proof_hex").GetArrayLength();
        var expected =
            m == 0 ? ProofCheck.OldSizeZero
            : m > n ? ProofCheck.OldSizeBeyondNewSize
            : m == n ? (proofLength == 0 ? ProofCheck.RootMismatch : ProofCheck.WrongProofLength)
            : desc is "empty proof" or "truncated proof" or "preceding garbage" or "trailing garbage"
                || desc.StartsWith("preceding ", StringComparison.Ordinal) || desc.StartsWith("trailing ", StringComparison.Ordinal)
                || desc.StartsWith("size2", StringComparison.Ordinal) ? ProofCheck.WrongProofLength
            : ExpectedForChangedOldSize(desc, m, n, proofLength);
        Assert.Equal(expected, result);
    }

    /// <summary>The probe's proof, with any element that is not 32 bytes (upstream's empty "garbage") replaced by zeros.</summary>
    private static List<MerkleHash> ProofElements(JsonElement probe, out bool malformed)
    {
        var elements = probe.GetProperty("proof_hex").EnumerateArray().Select(e => e.Bytes()).ToList();
        malformed = elements.Any(e => e.Length != MerkleHash.Size);
        return [.. elements.Select(e => e.Length == MerkleHash.Size ? MerkleHash.FromBytes(e) : default)];
    }

    /// <summary>
    /// Changing size1 keeps the proof but may change the length it implies; when the length still fits, the
    /// hashes no longer lead to the roots. Everything else (modified bits, swapped or wrong roots) is a root mismatch.
    /// </summary>
    private static ProofCheck ExpectedForChangedOldSize(string desc, ulong m, ulong n, int proofLength) =>
        desc.StartsWith("size1", StringComparison.Ordinal) && MerkleProofs.ConsistencyProofLength(m, n) != proofLength
            ? ProofCheck.WrongProofLength
            : ProofCheck.RootMismatch;
}

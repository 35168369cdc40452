using System.Security.Cryptography;

namespace Federation.Core.Tests.Support;

/// <summary>
/// RFC 6962 §2.1, §2.1.1 and §2.1.2 transcribed as plain recursion over a list of entries, sharing no code
/// with Federation.Core. It is the yardstick for the random-tree tests. MTH results are memoised per range
/// only so that proofs for every (index, size) pair of a few hundred leaves finish quickly.
/// </summary>
internal sealed class ReferenceMerkleTree(IReadOnlyList<byte[]> entries)
{
    private readonly Dictionary<(int, int), byte[]> _mth = [];

    public int Count => entries.Count;

    public static byte[] LeafHash(byte[] entry) => SHA256.HashData([0x00, .. entry]);

    private static byte[] NodeHash(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    /// <summary>k: the largest power of two smaller than n.</summary>
    private static int Split(int n)
    {
        var k = 1;
        while (k * 2 < n) k *= 2;
        return k;
    }

    /// <summary>MTH(D[lo:hi]).</summary>
    public byte[] Mth(int lo, int hi)
    {
        if (_mth.TryGetValue((lo, hi), out var cached)) return cached;
        var n = hi - lo;
        byte[] result;
        if (n == 0) result = SHA256.HashData([]);
        else if (n == 1) result = LeafHash(entries[lo]);
        else
        {
            var k = Split(n);
            result = NodeHash(Mth(lo, lo + k), Mth(lo + k, hi));
        }
        _mth[(lo, hi)] = result;
        return result;
    }

    /// <summary>PATH(m, D[lo:hi]).</summary>
    public List<byte[]> Path(int m, int lo, int hi)
    {
        var n = hi - lo;
        if (n == 1) return [];
        var k = Split(n);
        if (m < k) return [.. Path(m, lo, lo + k), Mth(lo + k, hi)];
        return [.. Path(m - k, lo + k, hi), Mth(lo, lo + k)];
    }

    /// <summary>PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true).</summary>
    public List<byte[]> Proof(int m, int n) => SubProof(m, 0, n, true);

    private List<byte[]> SubProof(int m, int lo, int hi, bool b)
    {
        var n = hi - lo;
        if (m == n) return b ? [] : [Mth(lo, hi)];
        var k = Split(n);
        if (m <= k) return [.. SubProof(m, lo, lo + k, b), Mth(lo + k, hi)];
        return [.. SubProof(m - k, lo + k, hi, false), Mth(lo, lo + k)];
    }
}

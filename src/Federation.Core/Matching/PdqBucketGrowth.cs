namespace Federation.Core.Matching;

/// <summary>How many postings a batch of PDQ hashes will add to each bucket of each chunk table.</summary>
internal sealed class PdqBucketGrowth
{
    private readonly int[] _counts = new int[PdqChunks.Count * PdqChunks.DirectorySize];

    public int this[int chunk, int bucket] => _counts[chunk * PdqChunks.DirectorySize + bucket];

    public void Count(PdqHash hash)
    {
        for (var c = 0; c < PdqChunks.Count; c++)
        {
            var value = PdqChunks.Value(hash, c);
            _counts[c * PdqChunks.DirectorySize + (int)(value >> PdqChunks.LowBits(c))]++;
        }
    }
}

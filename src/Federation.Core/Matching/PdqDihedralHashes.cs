namespace Federation.Core.Matching;

/// <summary>The PDQ hashes of one image under the eight <see cref="PdqTransform"/>s, with the image's quality.</summary>
public sealed class PdqDihedralHashes
{
    private readonly PdqHash[] _hashes;

    internal PdqDihedralHashes(PdqHash[] hashes, int quality)
    {
        _hashes = hashes;
        Quality = quality;
    }

    public int Quality { get; }

    public PdqResult this[PdqTransform transform] => new(_hashes[(int)transform], Quality);
}

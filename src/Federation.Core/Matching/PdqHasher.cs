namespace Federation.Core.Matching;

/// <summary>
/// Computes PDQ hashes of encoded images at full resolution (no pre-resize), bit-identical to the reference
/// core, the Java port and the <c>pdqhash</c> binding HMA uses. Policy points are in <c>docs/pdq.md</c>.
/// Stateless and safe to share between threads.
/// </summary>
public sealed class PdqHasher
{
    /// <summary>
    /// 50 megapixels: above a phone camera's still. A JPEG streams through in a few megabytes whatever its size;
    /// other formats are decoded whole, 200 MB at this limit.
    /// </summary>
    public const long DefaultMaxPixels = 50_000_000;

    // The RGBA buffer has to fit one array.
    private const long LargestMaxPixels = int.MaxValue / 4;

    public PdqHasher(long maxPixels = DefaultMaxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPixels, LargestMaxPixels);
        MaxPixels = maxPixels;
    }

    /// <summary>Images whose header declares more pixels than this are refused before any pixel is decoded.</summary>
    public long MaxPixels { get; }

    /// <summary>Hashes the first frame of an encoded image read from a seekable stream.</summary>
    /// <exception cref="ImageRejectedException">Not an image, truncated, corrupt, or over <see cref="MaxPixels"/>.</exception>
    public PdqResult Hash(Stream encodedImage)
    {
        var dct = DecodeToDct(encodedImage, out var quality);
        return new PdqResult(dct is null ? PdqHash.Zero : PdqAlgorithm.ToHash(dct), quality);
    }

    /// <inheritdoc cref="Hash(Stream)"/>
    public PdqResult Hash(byte[] encodedImage) => Hash(new MemoryStream(encodedImage, writable: false));

    /// <summary>
    /// The hashes of the image under all eight rotations and flips, computed from one decode in the DCT domain
    /// (as the reference does), for matching media that was turned or mirrored.
    /// </summary>
    public PdqDihedralHashes HashDihedral(Stream encodedImage)
    {
        var dct = DecodeToDct(encodedImage, out var quality);
        var hashes = Enum.GetValues<PdqTransform>()
            .Select(t => dct is null ? PdqHash.Zero : PdqAlgorithm.ToHash(PdqAlgorithm.Transform(dct, t)))
            .ToArray();
        return new PdqDihedralHashes(hashes, quality);
    }

    /// <summary>The hash of an already-decoded luma plane (row-major, <paramref name="rows"/> × <paramref name="cols"/>).</summary>
    internal static PdqResult HashLuma(float[] luma, int rows, int cols)
    {
        var dct = Dct16(rows, cols, (block, first, count) => luma.AsSpan(first * cols, count * cols).CopyTo(block), out var quality);
        return new PdqResult(dct is null ? PdqHash.Zero : PdqAlgorithm.ToHash(dct), quality);
    }

    private float[]? DecodeToDct(Stream encodedImage, out int quality)
    {
        ArgumentNullException.ThrowIfNull(encodedImage);
        using var image = LumaRows.Open(encodedImage, MaxPixels, JaroszDownsampler.GroupRows);
        return Dct16(image.Rows, image.Cols, (block, _, count) => image.Read(block, count), out quality);
    }

    /// <summary>
    /// Streams the image's rows, a group at a time, through the downsampler and returns the DCT, or null for an
    /// image below the reference's minimum size (whose hash is all zeros with quality 0; its rows are still
    /// read, so that a damaged tiny image is refused like any other).
    /// </summary>
    private static float[]? Dct16(int rows, int cols, ReadRows read, out int quality)
    {
        quality = 0;
        var hashable = rows >= PdqAlgorithm.MinimumDimension && cols >= PdqAlgorithm.MinimumDimension;
        using var downsampler = hashable ? new JaroszDownsampler(rows, cols) : null;
        using var block = new PooledBuffer<float>(JaroszDownsampler.GroupRows * cols);
        for (var first = 0; first < rows; first += JaroszDownsampler.GroupRows)
        {
            var count = Math.Min(JaroszDownsampler.GroupRows, rows - first);
            read(block.Span, first, count);
            downsampler?.Push(block.Span, count);
        }
        return downsampler is null ? null : PdqAlgorithm.Dct16(downsampler.Finish(), out quality);
    }

    private delegate void ReadRows(Span<float> block, int first, int count);
}

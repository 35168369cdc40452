namespace Federation.Core.Matching;

/// <summary>
/// The PDQ hashing core, from full-resolution luma to hash, following the reference
/// (<c>pdq/cpp/hashing/pdqhashing.cpp</c> in facebook/ThreatExchange, BSD) operation for operation, so that its
/// floats and therefore its bits come out the same.
/// </summary>
internal static class PdqAlgorithm
{
    /// <summary>Images with a side shorter than this hash to all zeros with quality 0 (<c>MIN_HASHABLE_DIM</c>).</summary>
    public const int MinimumDimension = 5;

    private const int Size = JaroszDownsampler.OutputSize;
    private const int DctSize = 16;

    // Rows 1..16 of the 64-point DCT-II basis (row 0, the DC term, is left out). Built exactly as the reference
    // builds it: a float scale times a double cosine, rounded once to float.
    private static readonly float[] DctMatrix = BuildDctMatrix();

    /// <summary>The 16×16 DCT coefficients and the quality of a downsampled 64×64 image.</summary>
    public static float[] Dct16(ReadOnlySpan<float> image, out int quality)
    {
        quality = Quality(image);
        return Dct64To16(image);
    }

    /// <summary>Reference <c>pdqImageDomainQualityMetric</c>: the sum of significant neighbour gradients, capped at 100.</summary>
    internal static int Quality(ReadOnlySpan<float> image)
    {
        var gradientSum = 0;
        for (var i = 0; i < Size - 1; i++)
            for (var j = 0; j < Size; j++)
                gradientSum += Math.Abs((int)((image[i * Size + j] - image[(i + 1) * Size + j]) * 100f / 255f));
        for (var i = 0; i < Size; i++)
            for (var j = 0; j < Size - 1; j++)
                gradientSum += Math.Abs((int)((image[i * Size + j] - image[i * Size + j + 1]) * 100f / 255f));
        return Math.Min(gradientSum / 90, 100);
    }

    /// <summary>B = D·A·Dᵀ with each dot product summed in index order, as the reference does.</summary>
    internal static float[] Dct64To16(ReadOnlySpan<float> image)
    {
        var d = DctMatrix;
        var t = new float[DctSize * Size];
        for (var i = 0; i < DctSize; i++)
            for (var j = 0; j < Size; j++)
            {
                var sum = 0f;
                for (var k = 0; k < Size; k++) sum += d[i * Size + k] * image[k * Size + j];
                t[i * Size + j] = sum;
            }
        var b = new float[DctSize * DctSize];
        for (var i = 0; i < DctSize; i++)
            for (var j = 0; j < DctSize; j++)
            {
                var sum = 0f;
                for (var k = 0; k < Size; k++) sum += t[i * Size + k] * d[j * Size + k];
                b[i * DctSize + j] = sum;
            }
        return b;
    }

    /// <summary>
    /// Bit 16·i + j is set iff coefficient [i][j] is strictly above the median. The reference's median (Torben's
    /// selection) is the 128th smallest of the 256 values, which is what sorting a copy gives.
    /// </summary>
    internal static PdqHash ToHash(ReadOnlySpan<float> dct)
    {
        Span<float> sorted = stackalloc float[DctSize * DctSize];
        dct.CopyTo(sorted);
        sorted.Sort();
        var median = sorted[DctSize * DctSize / 2 - 1];
        Span<ulong> words = stackalloc ulong[4];
        for (var k = 0; k < DctSize * DctSize; k++)
            if (dct[k] > median) words[k >> 6] |= 1UL << (k & 63);
        return new PdqHash(words[0], words[1], words[2], words[3]);
    }

    /// <summary>
    /// The DCT of a rotated or flipped image, derived from the original's: a transpose for the transforms that
    /// swap axes, and a sign flip of the odd-frequency rows or columns for those that mirror them
    /// (reference <c>dct16OriginalTo*</c>).
    /// </summary>
    internal static float[] Transform(ReadOnlySpan<float> dct, PdqTransform transform)
    {
        var result = new float[DctSize * DctSize];
        for (var i = 0; i < DctSize; i++)
            for (var j = 0; j < DctSize; j++)
            {
                var a = dct[i * DctSize + j];
                var (target, negate) = transform switch
                {
                    PdqTransform.Original => (i * DctSize + j, false),
                    PdqTransform.Rotate90 => (j * DctSize + i, (j & 1) == 0),
                    PdqTransform.Rotate180 => (i * DctSize + j, ((i + j) & 1) != 0),
                    PdqTransform.Rotate270 => (j * DctSize + i, (i & 1) == 0),
                    PdqTransform.FlipX => (i * DctSize + j, (i & 1) == 0),
                    PdqTransform.FlipY => (i * DctSize + j, (j & 1) == 0),
                    PdqTransform.FlipPlus1 => (j * DctSize + i, false),
                    PdqTransform.FlipMinus1 => (j * DctSize + i, ((i + j) & 1) != 0),
                    _ => throw new ArgumentOutOfRangeException(nameof(transform)),
                };
                result[target] = negate ? -a : a;
            }
        return result;
    }

    private static float[] BuildDctMatrix()
    {
        var scale = (float)Math.Sqrt(2.0 / Size);
        var matrix = new float[DctSize * Size];
        for (var i = 0; i < DctSize; i++)
            for (var j = 0; j < Size; j++)
                matrix[i * Size + j] = (float)(scale * Math.Cos(Math.PI / 2.0 / Size * (i + 1) * (2 * j + 1)));
        return matrix;
    }
}

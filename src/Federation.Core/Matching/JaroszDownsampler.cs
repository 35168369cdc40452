using System.Numerics;

namespace Federation.Core.Matching;

/// <summary>
/// The reference PDQ downsampler: two passes of a Jarosz tent filter (a 1-D box along rows, then along columns,
/// twice), then nearest-centre decimation to 64×64. Every float operation happens in the reference's order
/// (<c>pdq/cpp/downscaling/downscaling.cpp</c>), so the result is bit-identical to it.
/// </summary>
/// <remarks>
/// Two things differ from a literal port, both for speed, neither for the result:
/// the column boxes walk the image row by row (one running sum per column, vectorised across columns) instead
/// of striding down each column; and the second pass computes only what decimation reads, that is its row
/// boxes at the 64 sampled columns and its column boxes at the 64 sampled rows.
/// </remarks>
internal static class JaroszDownsampler
{
    public const int OutputSize = 64;

    /// <summary>Downsamples <paramref name="luma"/> (row-major, overwritten) into <paramref name="output"/> (64×64).</summary>
    public static void Downsample(Span<float> luma, int rows, int cols, Span<float> output)
    {
        var rowWindow = WindowSize(cols);
        var colWindow = WindowSize(rows);
        var sampleRows = SamplePositions(rows);
        var sampleCols = SamplePositions(cols);

        // Pass 1, in full: luma -> scratch along rows, scratch -> luma along columns.
        using var scratchBuffer = new PooledBuffer<float>(rows * cols);
        var scratch = scratchBuffer.Span;
        var rowBox = new BoxWindow(cols, rowWindow);
        rowBox.AlongRows(luma, scratch, rows);
        BoxAlongColumns(scratch, luma, rows, cols, colWindow);

        // Pass 2, only where decimation samples: row boxes at the sampled columns, packed rows x 64 ...
        rowBox.RowRunningSums(luma, scratch, rows);
        var sampled = new float[rows * OutputSize];
        for (var r = 0; r < rows; r++)
            for (var k = 0; k < OutputSize; k++)
                sampled[r * OutputSize + k] = scratch[r * cols + sampleCols[k]] / rowBox.Divisors[sampleCols[k]];
        // ... then column boxes over those 64 columns, read at the sampled rows.
        var filtered = new float[rows * OutputSize];
        BoxAlongColumns(sampled, filtered, rows, OutputSize, colWindow);
        for (var i = 0; i < OutputSize; i++)
            filtered.AsSpan(sampleRows[i] * OutputSize, OutputSize).CopyTo(output.Slice(i * OutputSize, OutputSize));
    }

    /// <summary>Reference <c>computeJaroszFilterWindowSize(old, 64)</c>: half of old/64, rounded up.</summary>
    internal static int WindowSize(int dimension) => (dimension + 2 * OutputSize - 1) / (2 * OutputSize);

    /// <summary>Reference <c>decimateFloat</c>: the input index at the centre of each of the 64 output cells.</summary>
    internal static int[] SamplePositions(int dimension)
    {
        var positions = new int[OutputSize];
        for (var i = 0; i < OutputSize; i++)
            positions[i] = (int)((i + 0.5) * dimension / OutputSize);
        return positions;
    }

    /// <summary>
    /// The reference box along columns, for every column at once: row by row, one running sum per column. Each
    /// column sees exactly the adds, subtracts and divisions of the reference's strided <c>box1DFloat</c>.
    /// </summary>
    private static void BoxAlongColumns(ReadOnlySpan<float> input, Span<float> output, int rows, int cols, int window)
    {
        var box = new BoxWindow(rows, window);
        var sums = new float[cols];
        var reads = 0;    // next row to add
        var removes = 0;  // next row to subtract
        var writes = 0;   // next row to write
        for (var i = 0; i < box.LeadIn; i++)
            Add(sums, input.Slice(reads++ * cols, cols));
        for (var i = 0; i < box.Growing; i++)
        {
            Add(sums, input.Slice(reads++ * cols, cols));
            Divide(sums, box.Divisors[writes], output.Slice(writes++ * cols, cols));
        }
        for (var i = 0; i < box.Full; i++)
        {
            Add(sums, input.Slice(reads++ * cols, cols));
            Subtract(sums, input.Slice(removes++ * cols, cols));
            Divide(sums, box.Divisors[writes], output.Slice(writes++ * cols, cols));
        }
        for (var i = 0; i < box.Shrinking; i++)
        {
            Subtract(sums, input.Slice(removes++ * cols, cols));
            Divide(sums, box.Divisors[writes], output.Slice(writes++ * cols, cols));
        }
    }

    // Element-wise vector arithmetic is lane-for-lane the same IEEE operation as the scalar one, so these keep
    // the reference's results. (A multiply by a reciprocal instead of the division would not.)
    private static void Add(Span<float> sums, ReadOnlySpan<float> row)
    {
        var i = 0;
        for (; i <= sums.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(sums[i..]) + new Vector<float>(row[i..])).CopyTo(sums[i..]);
        for (; i < sums.Length; i++) sums[i] += row[i];
    }

    private static void Subtract(Span<float> sums, ReadOnlySpan<float> row)
    {
        var i = 0;
        for (; i <= sums.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(sums[i..]) - new Vector<float>(row[i..])).CopyTo(sums[i..]);
        for (; i < sums.Length; i++) sums[i] -= row[i];
    }

    private static void Divide(ReadOnlySpan<float> sums, float divisor, Span<float> output)
    {
        var i = 0;
        var d = new Vector<float>(divisor);
        for (; i <= sums.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(sums[i..]) / d).CopyTo(output[i..]);
        for (; i < sums.Length; i++) output[i] = sums[i] / divisor;
    }
}

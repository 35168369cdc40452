using System.Numerics;

namespace Federation.Core.Matching;

/// <summary>
/// The reference PDQ downsampler, fed rows top to bottom: two passes of a Jarosz tent filter (a 1-D box along
/// rows, then along columns, twice), then nearest-centre decimation to 64×64. Every float operation happens in
/// the reference's order (<c>pdq/cpp/downscaling/downscaling.cpp</c>), so the result is bit-identical to it.
/// </summary>
/// <remarks>
/// <para>The reference filters whole images in two full-size float buffers. Here the work streams, which is
/// both faster (everything stays in cache) and lighter (memory is a band of rows, not 8 bytes per pixel):</para>
/// <list type="number">
/// <item>each pushed group of rows is boxed along its rows into a ring that keeps the last window-plus-a-group
/// rows, which is all the column box ever looks back;</item>
/// <item>the column box keeps one running sum per column and emits each output row as soon as its window is
/// complete;</item>
/// <item>the second row box runs on those rows as they come, keeping only the 64 columns decimation samples;</item>
/// <item>the second column box runs at the end on that rows × 64 strip, and the 64 sampled rows are the result.</item>
/// </list>
/// <para>Each column, and each row, still sees exactly the reference's adds, subtracts and divisions in the
/// reference's order. Rows go through in groups of four because a row's running sum is a chain of dependent
/// float adds: four independent chains interleaved keep the adder busy.</para>
/// </remarks>
internal sealed class JaroszDownsampler : IDisposable
{
    public const int OutputSize = 64;

    /// <summary>Rows per <see cref="Push"/> (the last push of an image may have fewer).</summary>
    public const int GroupRows = 4;

    private readonly int _rows;
    private readonly int _cols;
    private readonly bool _passThrough; // the reference skips the filter for an image of exactly 64×64
    private readonly BoxWindow _rowBox;
    private readonly BoxWindow _columnBox;
    private readonly int[] _sampleCols;
    private readonly int[] _sampleRows;

    private readonly PooledBuffer<float> _ring;       // row-boxed rows, ring of _ringRows
    private readonly int _ringRows;
    private readonly float[] _columnSums;
    private readonly PooledBuffer<float> _pending;    // column-boxed rows waiting for the second row box
    private readonly PooledBuffer<float> _pendingSums;
    private readonly float[] _sampled;                // rows × 64: second row box at the sampled columns
    private readonly float[] _output = new float[OutputSize * OutputSize];

    private int _pushed;          // rows received
    private int _removed;         // rows subtracted from the column sums
    private int _emitted;         // column-boxed rows produced
    private int _pendingCount;

    public JaroszDownsampler(int rows, int cols)
    {
        _rows = rows;
        _cols = cols;
        _passThrough = rows == OutputSize && cols == OutputSize;
        _rowBox = new BoxWindow(cols, WindowSize(cols));
        _columnBox = new BoxWindow(rows, WindowSize(rows));
        _sampleCols = SamplePositions(cols);
        _sampleRows = SamplePositions(rows);
        // The column box subtracts row r − window while adding row r, and a group adds up to GroupRows rows at
        // once; a ring that is a whole number of groups also keeps every group in one contiguous stretch.
        _ringRows = (_columnBox.Window + GroupRows + GroupRows - 1) / GroupRows * GroupRows;
        _ring = new PooledBuffer<float>(_ringRows * cols);
        _columnSums = new float[cols];
        _pending = new PooledBuffer<float>(GroupRows * cols);
        _pendingSums = new PooledBuffer<float>(GroupRows * cols);
        _sampled = new float[rows * OutputSize];
    }

    /// <summary>Takes the next <paramref name="count"/> (at most <see cref="GroupRows"/>) rows of luma.</summary>
    public void Push(ReadOnlySpan<float> luma, int count)
    {
        if (count is < 1 or > GroupRows || _pushed % GroupRows != 0 || _pushed + count > _rows)
            throw new InvalidOperationException("Rows must arrive in groups of four, all but the last one full.");
        if (_passThrough)
        {
            luma[..(count * _cols)].CopyTo(_output.AsSpan(_pushed * _cols));
            _pushed += count;
            return;
        }

        var slot = _pushed % _ringRows;
        _rowBox.AlongRows(luma, _ring.Span.Slice(slot * _cols, count * _cols), count);
        for (var i = 0; i < count; i++)
        {
            var row = _pushed++;
            Add(_columnSums, RingRow(row));
            if (row < _columnBox.LeadIn) continue;
            if (row >= _columnBox.Window) Subtract(_columnSums, RingRow(_removed++));
            EmitColumnRow();
        }
    }

    /// <summary>The 64×64 downsampled image, once every row has been pushed.</summary>
    public float[] Finish()
    {
        if (_pushed != _rows) throw new InvalidOperationException($"{_pushed} of {_rows} rows were pushed.");
        if (_passThrough) return _output;
        for (var i = 0; i < _columnBox.Shrinking; i++)
        {
            Subtract(_columnSums, RingRow(_removed++));
            EmitColumnRow();
        }
        FlushPending();

        var filtered = new float[_rows * OutputSize];
        BoxAlongColumns(_sampled, filtered, _rows, OutputSize, _columnBox);
        for (var i = 0; i < OutputSize; i++)
            filtered.AsSpan(_sampleRows[i] * OutputSize, OutputSize).CopyTo(_output.AsSpan(i * OutputSize, OutputSize));
        return _output;
    }

    public void Dispose()
    {
        _ring.Dispose();
        _pending.Dispose();
        _pendingSums.Dispose();
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

    private Span<float> RingRow(int row) => _ring.Span.Slice(row % _ringRows * _cols, _cols);

    // The column box's next output row, divided as the reference divides it, goes on to the second row box.
    private void EmitColumnRow()
    {
        Divide(_columnSums, _columnBox.Divisors[_emitted++], _pending.Span.Slice(_pendingCount++ * _cols, _cols));
        if (_pendingCount == GroupRows) FlushPending();
    }

    private void FlushPending()
    {
        if (_pendingCount == 0) return;
        var sums = _pendingSums.Span;
        _rowBox.RowRunningSums(_pending.Span, sums, _pendingCount);
        var first = _emitted - _pendingCount;
        for (var r = 0; r < _pendingCount; r++)
            for (var k = 0; k < OutputSize; k++)
                _sampled[(first + r) * OutputSize + k] = sums[r * _cols + _sampleCols[k]] / _rowBox.Divisors[_sampleCols[k]];
        _pendingCount = 0;
    }

    /// <summary>The reference box along columns over a whole (small) image, row by row.</summary>
    private static void BoxAlongColumns(ReadOnlySpan<float> input, Span<float> output, int rows, int cols, BoxWindow box)
    {
        var sums = new float[cols];
        int reads = 0, removes = 0, writes = 0;
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

    // Element-wise vector arithmetic is lane for lane the same IEEE operation as the scalar one, so these keep
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

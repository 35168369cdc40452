using System.Numerics;
using System.Runtime.CompilerServices;

namespace Federation.Core.Matching;

/// <summary>
/// The reference 1-D box filter (<c>box1DFloat</c>) over vectors of one length: a lead-in that only accumulates,
/// a growing window, a full sliding window, and a shrinking window at the far edge. Each output is the running
/// sum at that point divided by the number of samples then in the window.
/// </summary>
internal sealed class BoxWindow
{
    private readonly int _length;
    private readonly int _half;

    public BoxWindow(int length, int window)
    {
        // The window is about length/128, so it always fits in the vector.
        _length = length;
        Window = window;
        _half = (window + 2) / 2;
        Divisors = new float[length];
        var count = LeadIn;
        var write = 0;
        for (var i = 0; i < Growing; i++) Divisors[write++] = ++count;
        for (var i = 0; i < Full; i++) Divisors[write++] = count;
        for (var i = 0; i < Shrinking; i++) Divisors[write++] = --count;
    }

    public int Window { get; }
    public int LeadIn => _half - 1;
    public int Growing => Window - _half + 1;
    public int Full => _length - Window;
    public int Shrinking => _half - 1;

    /// <summary>How many samples the window holds when each output is written (the reference's divisor).</summary>
    public float[] Divisors { get; }

    /// <summary>The reference box along every row of a row-major image whose rows have this window's length.</summary>
    public void AlongRows(ReadOnlySpan<float> image, Span<float> output, int rows)
    {
        RowRunningSums(image, output, rows);
        for (var r = 0; r < rows; r++)
            DivideRow(output.Slice(r * _length, _length));
    }

    /// <summary>
    /// The reference's running sum, before its division, at every position of every row. Four rows go
    /// through the loop together: each row's sum is a chain of dependent float adds, and interleaving four
    /// independent chains keeps the adder busy while each waits for its previous result.
    /// </summary>
    public void RowRunningSums(ReadOnlySpan<float> image, Span<float> sums, int rows)
    {
        var size = checked(rows * _length);
        if (image.Length < size || sums.Length < size)
            throw new ArgumentException($"The image buffers hold fewer than {rows} rows of {_length}.");
        var r = 0;
        for (; r + 4 <= rows; r += 4)
            FourRows(ref Unsafe.AsRef(in image[r * _length]), ref sums[r * _length]);
        for (; r < rows; r++)
            OneRow(image.Slice(r * _length, _length), sums.Slice(r * _length, _length));
    }

    private void OneRow(ReadOnlySpan<float> input, Span<float> sums)
    {
        var sum = 0f;
        int read = 0, remove = 0, write = 0;
        for (var i = 0; i < LeadIn; i++) sum += input[read++];
        for (var i = 0; i < Growing; i++)
        {
            sum += input[read++];
            sums[write++] = sum;
        }
        for (var i = 0; i < Full; i++)
        {
            sum += input[read++];
            sum -= input[remove++];
            sums[write++] = sum;
        }
        for (var i = 0; i < Shrinking; i++)
        {
            sum -= input[remove++];
            sums[write++] = sum;
        }
    }

    // OneRow for rows at input, input + length, input + 2·length and input + 3·length. The caller has checked
    // that all four rows lie inside both buffers; the phases never index outside [0, length).
    private void FourRows(ref float input, ref float sums)
    {
        var n = _length;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int read = 0, remove = 0, write = 0;
        for (var i = 0; i < LeadIn; i++, read++)
        {
            s0 += Unsafe.Add(ref input, read);
            s1 += Unsafe.Add(ref input, read + n);
            s2 += Unsafe.Add(ref input, read + 2 * n);
            s3 += Unsafe.Add(ref input, read + 3 * n);
        }
        for (var i = 0; i < Growing; i++, read++, write++)
        {
            s0 += Unsafe.Add(ref input, read);
            s1 += Unsafe.Add(ref input, read + n);
            s2 += Unsafe.Add(ref input, read + 2 * n);
            s3 += Unsafe.Add(ref input, read + 3 * n);
            Store(ref sums, write, n, s0, s1, s2, s3);
        }
        for (var i = 0; i < Full; i++, read++, remove++, write++)
        {
            s0 += Unsafe.Add(ref input, read);
            s1 += Unsafe.Add(ref input, read + n);
            s2 += Unsafe.Add(ref input, read + 2 * n);
            s3 += Unsafe.Add(ref input, read + 3 * n);
            s0 -= Unsafe.Add(ref input, remove);
            s1 -= Unsafe.Add(ref input, remove + n);
            s2 -= Unsafe.Add(ref input, remove + 2 * n);
            s3 -= Unsafe.Add(ref input, remove + 3 * n);
            Store(ref sums, write, n, s0, s1, s2, s3);
        }
        for (var i = 0; i < Shrinking; i++, remove++, write++)
        {
            s0 -= Unsafe.Add(ref input, remove);
            s1 -= Unsafe.Add(ref input, remove + n);
            s2 -= Unsafe.Add(ref input, remove + 2 * n);
            s3 -= Unsafe.Add(ref input, remove + 3 * n);
            Store(ref sums, write, n, s0, s1, s2, s3);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float sums, int at, int n, float s0, float s1, float s2, float s3)
    {
        Unsafe.Add(ref sums, at) = s0;
        Unsafe.Add(ref sums, at + n) = s1;
        Unsafe.Add(ref sums, at + 2 * n) = s2;
        Unsafe.Add(ref sums, at + 3 * n) = s3;
    }

    // Vector division is the same IEEE division in every lane, so this equals the reference's scalar one.
    private void DivideRow(Span<float> row)
    {
        var i = 0;
        for (; i <= row.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(row[i..]) / new Vector<float>(Divisors.AsSpan(i))).CopyTo(row[i..]);
        for (; i < row.Length; i++) row[i] /= Divisors[i];
    }
}

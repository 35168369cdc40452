using System.Numerics;

namespace Federation.Core.Matching;

/// <summary>
/// The four phases of the reference 1-D box filter (<c>box1DFloat</c>) over a vector of a given length: a lead-in
/// that only accumulates, a growing window, a full sliding window, and a shrinking window at the far edge. Each
/// output is the running sum divided by the number of samples in the window at that point.
/// </summary>
internal sealed class BoxWindow
{
    private readonly int _half;

    public BoxWindow(int length, int window)
    {
        // The window is about length/128, so it always fits in the vector.
        Window = window;
        _half = (window + 2) / 2;
        Full = length - window;
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
    public int Full { get; }
    public int Shrinking => _half - 1;

    /// <summary>How many samples the window holds when each output is written (the reference's divisor).</summary>
    public float[] Divisors { get; }

    /// <summary>The reference box along one vector: running sums divided by the window count.</summary>
    public void Apply(ReadOnlySpan<float> input, Span<float> output)
    {
        RunningSums(input, output);
        var i = 0;
        for (; i <= output.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(output[i..]) / new Vector<float>(Divisors.AsSpan(i))).CopyTo(output[i..]);
        for (; i < output.Length; i++) output[i] /= Divisors[i];
    }

    /// <summary>The reference's running sum at each output position, before its division.</summary>
    public void RunningSums(ReadOnlySpan<float> input, Span<float> sums)
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
}

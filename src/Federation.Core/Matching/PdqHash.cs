using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace Federation.Core.Matching;

/// <summary>
/// A 256-bit PDQ perceptual hash. Bit <c>k = 16·i + j</c> is DCT coefficient (row i, column j) of the
/// reference algorithm, and the hash is the 256-bit number in which bit k is worth 2^k. Its text form is
/// that number in 64 lower-case hex digits, most significant first, exactly as the reference prints it.
/// </summary>
/// <remarks>Four <see cref="ulong"/>s and no reference, so millions of them can sit in flat arrays.</remarks>
public readonly record struct PdqHash(ulong W0, ulong W1, ulong W2, ulong W3)
{
    public const int Bits = 256;
    public const int HexLength = 64;

    /// <summary>The hash of an image too small to hash (under 5 pixels on a side).</summary>
    public static PdqHash Zero => default;

    /// <summary>Number of differing bits, 0 to 256.</summary>
    public int DistanceTo(PdqHash other) =>
        BitOperations.PopCount(W0 ^ other.W0) + BitOperations.PopCount(W1 ^ other.W1)
        + BitOperations.PopCount(W2 ^ other.W2) + BitOperations.PopCount(W3 ^ other.W3);

    /// <summary>Number of set bits. A hash of a real image has exactly 128 (bits are "above the median").</summary>
    public int BitCount =>
        BitOperations.PopCount(W0) + BitOperations.PopCount(W1) + BitOperations.PopCount(W2) + BitOperations.PopCount(W3);

    public bool this[int bit]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(bit);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bit, Bits);
            return ((Word(bit >> 6) >> (bit & 63)) & 1) != 0;
        }
    }

    /// <summary>This hash with one bit inverted.</summary>
    public PdqHash FlipBit(int bit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bit);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bit, Bits);
        var mask = 1UL << (bit & 63);
        return (bit >> 6) switch
        {
            0 => this with { W0 = W0 ^ mask },
            1 => this with { W1 = W1 ^ mask },
            2 => this with { W2 = W2 ^ mask },
            _ => this with { W3 = W3 ^ mask },
        };
    }

    internal ulong Word(int index) => index switch
    {
        0 => W0,
        1 => W1,
        2 => W2,
        3 => W3,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>Parses 64 hex digits. Upper-case digits are accepted because some feeds send them.</summary>
    public static PdqHash Parse(string text) =>
        TryParse(text, out var hash) ? hash : throw new FormatException($"'{text}' is not a PDQ hash (64 hex digits)");

    public static bool TryParse([NotNullWhen(true)] string? text, out PdqHash hash)
    {
        hash = default;
        return text is not null && TryParse(text.AsSpan(), out hash);
    }

    public static bool TryParse(ReadOnlySpan<char> text, out PdqHash hash)
    {
        hash = default;
        if (text.Length != HexLength) return false;
        if (!TryParseWord(text[..16], out var w3) || !TryParseWord(text[16..32], out var w2)
            || !TryParseWord(text[32..48], out var w1) || !TryParseWord(text[48..], out var w0))
            return false;
        hash = new PdqHash(w0, w1, w2, w3);
        return true;
    }

    // ulong.TryParse with HexNumber would also take surrounding white space; a hash field must not.
    private static bool TryParseWord(ReadOnlySpan<char> digits, out ulong word)
    {
        word = 0;
        foreach (var c in digits)
            if (!char.IsAsciiHexDigit(c)) return false;
        return ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out word);
    }

    public override string ToString() => string.Create(HexLength, this, static (chars, h) =>
    {
        h.W3.TryFormat(chars[..16], out _, "x16", CultureInfo.InvariantCulture);
        h.W2.TryFormat(chars[16..32], out _, "x16", CultureInfo.InvariantCulture);
        h.W1.TryFormat(chars[32..48], out _, "x16", CultureInfo.InvariantCulture);
        h.W0.TryFormat(chars[48..], out _, "x16", CultureInfo.InvariantCulture);
    });
}

using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Federation.Core.Releases;

/// <summary>
/// A hash value of a given signal type, held as bytes; its text form is lower-case hex of exactly twice the signal's
/// length. Values order by signal code, then by bytes: this is the canonical entry order of a release.
/// </summary>
public readonly record struct SignalValue : IComparable<SignalValue>
{
    private readonly ValueBytes _bytes;

    public SignalType Signal { get; }

    private SignalValue(SignalType signal, ReadOnlySpan<byte> bytes)
    {
        Signal = signal;
        bytes.CopyTo(_bytes);
    }

    /// <summary>Parses hex digits (either case; the canonical form is lower case). The error names the value.</summary>
    public static SignalValue Parse(SignalType signal, string hex) => Parse(signal, hex.AsSpan());

    /// <inheritdoc cref="Parse(SignalType, string)"/>
    public static SignalValue Parse(SignalType signal, ReadOnlySpan<char> hex)
    {
        if (signal.Length == 0) throw new ArgumentException("not a known signal type", nameof(signal));
        if (hex.Length != signal.Length * 2)
            throw new FormatException($"'{Shorten(hex.ToString())}' is not a {signal} value: expected {signal.Length * 2} hex digits, got {hex.Length}");
        Span<byte> bytes = stackalloc byte[SignalType.MaxLength];
        for (var i = 0; i < signal.Length; i++)
        {
            var hi = HexDigit(hex[2 * i]);
            var lo = HexDigit(hex[2 * i + 1]);
            if ((hi | lo) < 0) throw new FormatException($"'{Shorten(hex.ToString())}' is not a {signal} value: '{(hi < 0 ? hex[2 * i] : hex[2 * i + 1])}' is not a hex digit");
            bytes[i] = (byte)(hi << 4 | lo);
        }
        return new SignalValue(signal, bytes[..signal.Length]);
    }

    /// <summary>Parses <c>signal</c> and <c>value</c> as written in CSV.</summary>
    public static SignalValue Parse(string signal, string hex) => Parse(SignalType.Parse(signal), hex);

    public static SignalValue FromBytes(SignalType signal, ReadOnlySpan<byte> bytes)
    {
        if (signal.Length == 0) throw new ArgumentException("not a known signal type", nameof(signal));
        if (bytes.Length != signal.Length)
            throw new FormatException($"a {signal} value is {signal.Length} bytes, not {bytes.Length}");
        return new SignalValue(signal, bytes);
    }

    /// <summary>Copies the value's bytes (exactly <see cref="SignalType.Length"/> of them) to <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination) => Span().CopyTo(destination);

    public byte[] ToArray() => Span().ToArray();

    /// <summary>Lower-case hex, the canonical text form.</summary>
    public string Hex => Convert.ToHexStringLower(Span());

    public bool Equals(SignalValue other) => Signal == other.Signal && Span().SequenceEqual(other.Span());

    public override int GetHashCode() =>
        HashCode.Combine(Signal.Code, BinaryPrimitives.ReadInt64LittleEndian(Span()[..8]), BinaryPrimitives.ReadInt64LittleEndian(Span()[^8..]));

    public int CompareTo(SignalValue other)
    {
        var bySignal = Signal.Code.CompareTo(other.Signal.Code);
        return bySignal != 0 ? bySignal : Span().SequenceCompareTo(other.Span());
    }

    public static bool operator <(SignalValue a, SignalValue b) => a.CompareTo(b) < 0;
    public static bool operator >(SignalValue a, SignalValue b) => a.CompareTo(b) > 0;
    public static bool operator <=(SignalValue a, SignalValue b) => a.CompareTo(b) <= 0;
    public static bool operator >=(SignalValue a, SignalValue b) => a.CompareTo(b) >= 0;

    /// <summary><c>sha256:0a1b…</c></summary>
    public override string ToString() => $"{Signal}:{Hex}";

    [UnscopedRef]
    private ReadOnlySpan<byte> Span() => ((ReadOnlySpan<byte>)_bytes)[..Signal.Length];

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    // An error message names the value but must not echo a megabyte of garbage.
    internal static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
}

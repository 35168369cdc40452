using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Federation.Core.Matching;

/// <summary>A SHA-256 digest of a file's bytes, held as four big-endian words so it is a cheap dictionary key.</summary>
public readonly record struct Sha256Hash(ulong A, ulong B, ulong C, ulong D)
{
    public const int Length = 32;

    public static Sha256Hash FromBytes(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != Length) throw new ArgumentException($"A SHA-256 digest is {Length} bytes, not {digest.Length}.", nameof(digest));
        return new(BinaryPrimitives.ReadUInt64BigEndian(digest), BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[16..]), BinaryPrimitives.ReadUInt64BigEndian(digest[24..]));
    }

    /// <summary>Parses 64 hex digits (either case).</summary>
    public static Sha256Hash Parse(string text) =>
        TryParse(text, out var hash) ? hash : throw new FormatException($"'{text}' is not a SHA-256 digest (64 hex digits)");

    public static bool TryParse([NotNullWhen(true)] string? text, out Sha256Hash hash)
    {
        hash = default;
        Span<byte> bytes = stackalloc byte[Length];
        if (!HexDigits.TryDecode(text, bytes)) return false;
        hash = FromBytes(bytes);
        return true;
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, A);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), B);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), C);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(24), D);
        return bytes;
    }

    /// <summary>64 lower-case hex digits.</summary>
    public override string ToString() => Convert.ToHexStringLower(ToBytes());
}

using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Federation.Core.Matching;

/// <summary>
/// An MD5 digest of a file's bytes. MD5 is broken for signatures but is still how NCMEC, StopNCII and others
/// identify known video files, so lists carry it and the node matches it.
/// </summary>
public readonly record struct Md5Hash(ulong High, ulong Low)
{
    public const int Length = 16;

    public static Md5Hash FromBytes(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != Length) throw new ArgumentException($"An MD5 digest is {Length} bytes, not {digest.Length}.", nameof(digest));
        return new(BinaryPrimitives.ReadUInt64BigEndian(digest), BinaryPrimitives.ReadUInt64BigEndian(digest[8..]));
    }

    /// <summary>Parses 32 hex digits (either case).</summary>
    public static Md5Hash Parse(string text) =>
        TryParse(text, out var hash) ? hash : throw new FormatException($"'{text}' is not an MD5 digest (32 hex digits)");

    public static bool TryParse([NotNullWhen(true)] string? text, out Md5Hash hash)
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
        BinaryPrimitives.WriteUInt64BigEndian(bytes, High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), Low);
        return bytes;
    }

    /// <summary>32 lower-case hex digits.</summary>
    public override string ToString() => Convert.ToHexStringLower(ToBytes());
}

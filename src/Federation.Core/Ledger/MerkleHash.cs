using System.Runtime.InteropServices;

namespace Federation.Core.Ledger;

/// <summary>
/// A 32-byte SHA-256 hash as used by the RFC 6962 Merkle tree (leaf, node and root hashes).
/// Stored inline as four machine words so that a million-leaf tree does not allocate a million arrays;
/// the byte order of the words is irrelevant because they are only ever written back in the same order.
/// </summary>
public readonly record struct MerkleHash
{
    public const int Size = 32;

    private readonly ulong _a, _b, _c, _d;

    private MerkleHash(ulong a, ulong b, ulong c, ulong d) => (_a, _b, _c, _d) = (a, b, c, d);

    /// <summary>Copies exactly 32 bytes; any other length is refused, so a truncated or padded hash never compares.</summary>
    public static MerkleHash FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
            throw new ArgumentException($"A Merkle hash is {Size} bytes, not {bytes.Length}.", nameof(bytes));
        return new MerkleHash(
            MemoryMarshal.Read<ulong>(bytes),
            MemoryMarshal.Read<ulong>(bytes[8..]),
            MemoryMarshal.Read<ulong>(bytes[16..]),
            MemoryMarshal.Read<ulong>(bytes[24..]));
    }

    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out MerkleHash hash)
    {
        hash = default;
        if (bytes.Length != Size) return false;
        hash = FromBytes(bytes);
        return true;
    }

    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size) throw new ArgumentException("Destination is shorter than 32 bytes.", nameof(destination));
        MemoryMarshal.Write(destination, in _a);
        MemoryMarshal.Write(destination[8..], in _b);
        MemoryMarshal.Write(destination[16..], in _c);
        MemoryMarshal.Write(destination[24..], in _d);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Lower-case hex, the form used by the test vectors and logs.</summary>
    public static MerkleHash ParseHex(string hex) => FromBytes(Convert.FromHexString(hex));

    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>
    /// The canonical standard base64 (RFC 4648 §4) of exactly 32 bytes, as in checkpoints and proof lines; see
    /// <see cref="CanonicalBase64"/> for why a second spelling of the same bytes is refused.
    /// </summary>
    public static bool TryParseBase64(ReadOnlySpan<char> text, out MerkleHash hash)
    {
        hash = default;
        return CanonicalBase64.TryDecode(text, out var bytes) && TryFromBytes(bytes, out hash);
    }

    public static MerkleHash ParseBase64(string text) =>
        TryParseBase64(text, out var hash) ? hash : throw new FormatException($"'{text}' is not the canonical base64 of a 32-byte hash.");

    public string ToBase64()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Convert.ToBase64String(bytes);
    }

    public override string ToString() => ToHex();
}

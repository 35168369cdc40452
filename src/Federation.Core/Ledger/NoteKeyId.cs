using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Federation.Core.Ledger;

/// <summary>
/// The 4-byte key ID that a signed-note signature line carries before the signature, big-endian. It only routes a
/// line to a candidate key (C2SP signed-note: unknown (name, ID) pairs are ignored); it proves nothing by itself.
/// </summary>
public readonly record struct NoteKeyId(uint Value)
{
    /// <summary>
    /// The generic rule of C2SP signed-note: SHA-256(key name || 0x0A || signature type || public key)[:4].
    /// (ECDSA keys, type 0x02, are the exception: their ID is SHA-256 of the SPKI alone.)
    /// </summary>
    public static NoteKeyId Compute(string name, byte type, ReadOnlySpan<byte> publicKey)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = 0x0A;
        input[nameBytes.Length + 1] = type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return FromHashPrefix(SHA256.HashData(input));
    }

    internal static NoteKeyId FromHashPrefix(ReadOnlySpan<byte> digest) => new(BinaryPrimitives.ReadUInt32BigEndian(digest));

    /// <summary>Exactly eight hex digits, as in a verifier key.</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out NoteKeyId id)
    {
        id = default;
        if (hex.Length != 8 || !uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)) return false;
        id = new NoteKeyId(value);
        return true;
    }

    public override string ToString() => Value.ToString("x8", CultureInfo.InvariantCulture);
}

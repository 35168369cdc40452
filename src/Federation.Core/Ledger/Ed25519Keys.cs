using System.Security.Cryptography;
using NSec.Cryptography;

namespace Federation.Core.Ledger;

/// <summary>
/// Ed25519 key handling shared by the log signer (type 0x01) and the witness cosigner (type 0x04), over NSec
/// (libsodium), which reproduces the Go reference signatures byte for byte. Signer keys use Go's x/mod form
/// <c>PRIVATE+KEY+&lt;name&gt;+&lt;key ID&gt;+&lt;base64(type || 32-byte seed)&gt;</c>.
/// </summary>
internal static class Ed25519Keys
{
    public const int SeedSize = 32;

    private const string PrivatePrefix = "PRIVATE+KEY+";

    public static PublicKey ImportPublicKey(string name, ReadOnlySpan<byte> key)
    {
        PublicKey? publicKey = null;
        if (key.Length == SignatureAlgorithm.Ed25519.PublicKeySize)
            PublicKey.TryImport(SignatureAlgorithm.Ed25519, key, KeyBlobFormat.RawPublicKey, out publicKey);
        return publicKey ?? throw new NoteKeyFormatException(NoteKeyError.InvalidKey, $"The key of '{name}' is not a 32-byte Ed25519 public key.");
    }

    /// <summary>The private key for a named signer; the name must be a valid key name and the seed 32 bytes.</summary>
    public static Key ImportSeed(string name, ReadOnlySpan<byte> seed)
    {
        if (!NoteEncoding.IsValidKeyName(name)) throw new NoteKeyFormatException(NoteKeyError.InvalidName, $"'{name}' is not a valid key name.");
        if (seed.Length != SeedSize) throw new NoteKeyFormatException(NoteKeyError.InvalidKey, $"Signer key '{name}' is not a 32-byte Ed25519 seed.");
        return Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
    }

    public static byte[] PublicKeyOf(Key key) => key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    /// <summary>Parses a signer key of <paramref name="type"/>; the stated key ID must match the derived public key.</summary>
    public static (string Name, byte[] Seed) ParseSignerKey(string signerKey, NoteKeyType type)
    {
        if (!signerKey.StartsWith(PrivatePrefix, StringComparison.Ordinal))
            throw new NoteKeyFormatException(NoteKeyError.MissingField, "A signer key starts with PRIVATE+KEY+.");
        var rest = signerKey[PrivatePrefix.Length..];
        var first = rest.IndexOf('+');
        var second = first < 0 ? -1 : rest.IndexOf('+', first + 1);
        if (second < 0) throw new NoteKeyFormatException(NoteKeyError.MissingField, "A signer key is PRIVATE+KEY+<name>+<key ID>+<base64 key>.");
        var name = rest[..first];
        var material = NoteVerifier.ParseFields(name, rest.AsSpan(first + 1, second - first - 1), rest.AsSpan(second + 1), out var statedId);
        if (material[0] != (byte)type)
            throw new NoteKeyFormatException(NoteKeyError.UnsupportedType, $"Signer key '{name}' has type 0x{material[0]:x2}; 0x{(byte)type:x2} is expected here.");
        var seed = material[1..];
        using var key = ImportSeed(name, seed);
        var computed = NoteKeyId.Compute(name, (byte)type, PublicKeyOf(key));
        if (computed != statedId)
            throw new NoteKeyFormatException(NoteKeyError.KeyIdMismatch, $"Signer key '{name}' states ID {statedId} but computes to {computed}.");
        return (name, seed);
    }

    /// <summary>A fresh key pair as (signer key, verifier key) strings.</summary>
    public static (string SignerKey, string VerifierKey) Generate(string name, NoteKeyType type)
    {
        var seed = RandomNumberGenerator.GetBytes(SeedSize);
        try
        {
            using var key = ImportSeed(name, seed);
            var publicKey = PublicKeyOf(key);
            var id = NoteKeyId.Compute(name, (byte)type, publicKey);
            return ($"{PrivatePrefix}{name}+{id}+{Convert.ToBase64String([(byte)type, .. seed])}",
                    $"{name}+{id}+{Convert.ToBase64String([(byte)type, .. publicKey])}");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }
}

using System.Security.Cryptography;

namespace Federation.Core.Pki;

/// <summary>
/// The node's own 256-bit key that encrypts its ASP.NET Data Protection key ring at rest (AES-GCM). Kept in a PEM
/// file of its own label (<c>Node:Certificates:DataProtectionKey</c>, made by <c>fedctl certs data-protection-key</c>).
/// </summary>
public sealed class DataProtectionKey
{
    public const string PemLabel = "FEDERATION DATA PROTECTION KEY";
    public const int Size = 32;

    private readonly byte[] _key;

    private DataProtectionKey(byte[] key)
    {
        _key = key;
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(key));
    }

    /// <summary>SHA-256 of the key, hex: names the key in messages and in the encrypted ring without revealing it.</summary>
    public string Fingerprint { get; }

    /// <summary>A short form of <see cref="Fingerprint"/> stored beside each encrypted ring entry.</summary>
    public string Id => Fingerprint[..16];

    public ReadOnlySpan<byte> Bytes => _key;

    /// <summary>A new random key as PEM text.</summary>
    public static string Generate() => new string(PemEncoding.Write(PemLabel, RandomNumberGenerator.GetBytes(Size))) + "\n";

    /// <exception cref="FormatException">Not a PEM block with <see cref="PemLabel"/> holding exactly 32 bytes.</exception>
    public static DataProtectionKey Parse(string pem)
    {
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] != PemLabel)
            throw new FormatException($"not a PEM '{PemLabel}' block (create one with: fedctl certs data-protection-key --out <file>)");
        var key = Convert.FromBase64String(pem[fields.Base64Data]);
        return key.Length == Size ? new DataProtectionKey(key) : throw new FormatException($"the key is {key.Length} bytes, not {Size}");
    }
}

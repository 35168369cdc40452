using System.Security.Cryptography;

namespace Federation.Core.Ledger;

/// <summary>
/// Signature type 0x02, as used by Rekor v1 and transparency-dev/witness: the key is a DER SubjectPublicKeyInfo
/// of an EC key, the key ID is SHA-256(SPKI)[:4] (the name is not hashed), and the signature is an ASN.1 DER
/// ECDSA signature over SHA-256 of the text. Verify only: the federation signs with Ed25519.
/// </summary>
public sealed class EcdsaNoteVerifier : NoteVerifier
{
    internal EcdsaNoteVerifier(string name, byte[] subjectPublicKeyInfo)
        : base(name, NoteKeyId.FromHashPrefix(SHA256.HashData(subjectPublicKeyInfo)), NoteKeyType.Ecdsa, subjectPublicKeyInfo)
    {
        using var key = Import(name, subjectPublicKeyInfo);
    }

    public override bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature)
    {
        using var key = Import(Name, Key);
        // DER, not .NET's default IEEE P1363 r||s, which fails on every one of these signatures.
        return key.VerifyData(text, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    private static ECDsa Import(string name, ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length) throw new CryptographicException("trailing bytes after the SPKI");
            return key;
        }
        catch (CryptographicException ex)
        {
            key.Dispose();
            throw new NoteKeyFormatException(NoteKeyError.InvalidKey, $"The key of '{name}' is not an EC SubjectPublicKeyInfo: {ex.Message}");
        }
    }
}

using NSec.Cryptography;

namespace Federation.Core.Ledger;

/// <summary>
/// Signature type 0x01: Ed25519 (RFC 8032) over the note text; key ID = SHA-256(name || 0x0A || 0x01 || key)[:4].
/// The log's checkpoint key.
/// </summary>
public sealed class Ed25519NoteVerifier : NoteVerifier
{
    private readonly PublicKey _publicKey;

    internal Ed25519NoteVerifier(string name, byte[] key)
        : base(name, NoteKeyId.Compute(name, (byte)NoteKeyType.Ed25519, key), NoteKeyType.Ed25519, key) =>
        _publicKey = Ed25519Keys.ImportPublicKey(name, key);

    public override bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureAlgorithm.Ed25519.SignatureSize && SignatureAlgorithm.Ed25519.Verify(_publicKey, text, signature);
}

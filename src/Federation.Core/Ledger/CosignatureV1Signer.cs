using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Federation.Core.Ledger;

/// <summary>
/// A witness's cosigning key, C2SP tlog-cosignature v1 (Ed25519, signature type 0x04). The key must not be the
/// node's log key: the cosigned message does not commit to the cosigner's name, so each role gets its own key.
/// Owns native key material: dispose it.
/// </summary>
public sealed class CosignatureV1Signer : IDisposable
{
    private readonly Key _key;

    private CosignatureV1Signer(string name, ReadOnlySpan<byte> seed)
    {
        _key = Ed25519Keys.ImportSeed(name, seed);
        Verifier = new CosignatureV1Verifier(name, Ed25519Keys.PublicKeyOf(_key));
    }

    public string Name => Verifier.Name;

    public NoteKeyId KeyId => Verifier.KeyId;

    /// <summary>The matching verifier; its <c>ToString()</c> is the witness key to publish.</summary>
    public CosignatureV1Verifier Verifier { get; }

    /// <summary>Loads <c>PRIVATE+KEY+&lt;name&gt;+&lt;key ID&gt;+&lt;base64(0x04 || seed)&gt;</c> (the x/mod form with type 0x04).</summary>
    public static CosignatureV1Signer Parse(string signerKey)
    {
        var (name, seed) = Ed25519Keys.ParseSignerKey(signerKey, NoteKeyType.CosignatureV1);
        try { return new CosignatureV1Signer(name, seed); }
        finally { CryptographicOperations.ZeroMemory(seed); }
    }

    /// <summary>Builds a signer from a raw 32-byte seed (test vectors give keys this way).</summary>
    public static CosignatureV1Signer FromSeed(string name, ReadOnlySpan<byte> seed) => new(name, seed);

    public static (string SignerKey, string VerifierKey) GenerateKey(string name) => Ed25519Keys.Generate(name, NoteKeyType.CosignatureV1);

    /// <summary>
    /// The cosignature line over <paramref name="checkpointText"/> (the note text, not its signatures) stating
    /// "as of <paramref name="timestamp"/> (POSIX seconds), this is the largest consistent tree I have seen".
    /// </summary>
    public NoteSignature Cosign(string checkpointText, ulong timestamp)
    {
        SignedNote.CheckText(checkpointText);
        if (timestamp > long.MaxValue) throw new ArgumentOutOfRangeException(nameof(timestamp), "tlog-cosignature timestamps are at most 2^63 - 1.");
        var message = CosignatureV1Verifier.Message(timestamp, Encoding.UTF8.GetBytes(checkpointText));
        var signature = new byte[8 + SignatureAlgorithm.Ed25519.SignatureSize];
        BinaryPrimitives.WriteUInt64BigEndian(signature, timestamp);
        SignatureAlgorithm.Ed25519.Sign(_key, message, signature.AsSpan(8));
        return NoteSignature.Create(Name, KeyId, signature);
    }

    public void Dispose() => _key.Dispose();
}

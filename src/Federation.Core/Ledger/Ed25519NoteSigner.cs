using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Federation.Core.Ledger;

/// <summary>
/// Signs notes with Ed25519, signature type 0x01 — the node's log key, whose name should be the log's origin
/// (C2SP tlog-checkpoint). Owns native key material: dispose it.
/// </summary>
public sealed class Ed25519NoteSigner : IDisposable
{
    private readonly Key _key;

    private Ed25519NoteSigner(string name, ReadOnlySpan<byte> seed)
    {
        _key = Ed25519Keys.ImportSeed(name, seed);
        var publicKey = Ed25519Keys.PublicKeyOf(_key);
        Verifier = new Ed25519NoteVerifier(name, publicKey);
    }

    public string Name => Verifier.Name;

    public NoteKeyId KeyId => Verifier.KeyId;

    /// <summary>The matching verifier; its <c>ToString()</c> is the verifier key to publish.</summary>
    public Ed25519NoteVerifier Verifier { get; }

    /// <summary>Loads <c>PRIVATE+KEY+&lt;name&gt;+&lt;key ID&gt;+&lt;base64(0x01 || seed)&gt;</c>.</summary>
    public static Ed25519NoteSigner Parse(string signerKey)
    {
        var (name, seed) = Ed25519Keys.ParseSignerKey(signerKey, NoteKeyType.Ed25519);
        try { return new Ed25519NoteSigner(name, seed); }
        finally { CryptographicOperations.ZeroMemory(seed); }
    }

    /// <summary>Builds a signer from a raw 32-byte seed (test vectors give keys this way).</summary>
    public static Ed25519NoteSigner FromSeed(string name, ReadOnlySpan<byte> seed) => new(name, seed);

    /// <summary>A new key pair for <paramref name="name"/>: the signer key to keep secret and the verifier key to publish.</summary>
    public static (string SignerKey, string VerifierKey) GenerateKey(string name) => Ed25519Keys.Generate(name, NoteKeyType.Ed25519);

    /// <summary>The signature line for <paramref name="text"/>. Ed25519 is deterministic: the same text gives the same line.</summary>
    public NoteSignature Sign(string text)
    {
        SignedNote.CheckText(text);
        var signature = SignatureAlgorithm.Ed25519.Sign(_key, Encoding.UTF8.GetBytes(text));
        return NoteSignature.Create(Name, KeyId, signature);
    }

    /// <summary>A note carrying <paramref name="text"/> and this key's signature.</summary>
    public SignedNote SignNote(string text) => SignedNote.Create(text, [Sign(text)]);

    public void Dispose() => _key.Dispose();
}

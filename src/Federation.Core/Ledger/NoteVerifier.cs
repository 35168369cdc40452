namespace Federation.Core.Ledger;

/// <summary>
/// A public key that verifies signed-note signature lines, named and identified as in its verifier key string
/// <c>&lt;name&gt;+&lt;key ID hex&gt;+&lt;base64(type || key)&gt;</c> (C2SP signed-note §Verifier keys).
/// The type byte selects the algorithm; <see cref="Parse"/> dispatches on it.
/// </summary>
public abstract class NoteVerifier
{
    private readonly byte[] _key;

    private protected NoteVerifier(string name, NoteKeyId keyId, NoteKeyType type, byte[] key) =>
        (Name, KeyId, Type, _key) = (name, keyId, type, key);

    public string Name { get; }

    public NoteKeyId KeyId { get; }

    public NoteKeyType Type { get; }

    /// <summary>The key material after the type byte.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>Whether <paramref name="signature"/> (the line's bytes after the key ID) signs <paramref name="text"/>.</summary>
    public abstract bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature);

    /// <summary>
    /// Parses a verifier key. Only the first two '+' separate fields, because base64 may contain '+'. The stated
    /// key ID must be the one the key computes to.
    /// </summary>
    public static NoteVerifier Parse(string verifierKey)
    {
        var first = verifierKey.IndexOf('+');
        var second = first < 0 ? -1 : verifierKey.IndexOf('+', first + 1);
        if (second < 0) throw new NoteKeyFormatException(NoteKeyError.MissingField, "A verifier key is <name>+<key ID>+<base64 key>.");
        var name = verifierKey[..first];
        var idText = verifierKey.AsSpan(first + 1, second - first - 1);
        var material = ParseFields(name, idText, verifierKey.AsSpan(second + 1), out var statedId);
        var key = material[1..];
        NoteVerifier verifier = material[0] switch
        {
            (byte)NoteKeyType.Ed25519 => new Ed25519NoteVerifier(name, key),
            (byte)NoteKeyType.Ecdsa => new EcdsaNoteVerifier(name, key),
            (byte)NoteKeyType.CosignatureV1 => new CosignatureV1Verifier(name, key),
            var other => throw new NoteKeyFormatException(NoteKeyError.UnsupportedType, $"Signature type 0x{other:x2} of key '{name}' is not supported."),
        };
        if (verifier.KeyId != statedId)
            throw new NoteKeyFormatException(NoteKeyError.KeyIdMismatch, $"Key '{name}' states ID {statedId} but computes to {verifier.KeyId}.");
        return verifier;
    }

    /// <summary>Checks the name, key-ID and base64 fields shared by verifier and signer keys; returns type || key.</summary>
    internal static byte[] ParseFields(string name, ReadOnlySpan<char> idText, ReadOnlySpan<char> base64, out NoteKeyId statedId)
    {
        if (!NoteEncoding.IsValidKeyName(name)) throw new NoteKeyFormatException(NoteKeyError.InvalidName, $"'{name}' is not a valid key name.");
        if (!NoteKeyId.TryParse(idText, out statedId)) throw new NoteKeyFormatException(NoteKeyError.InvalidKeyId, $"'{idText}' is not an 8-digit hex key ID.");
        if (!CanonicalBase64.TryDecode(base64, out var material) || material.Length < 2)
            throw new NoteKeyFormatException(NoteKeyError.InvalidBase64, $"The key of '{name}' is not canonical base64 of a type byte and a key.");
        return material;
    }

    /// <summary>The verifier key string, the form published in node descriptors and at /federation/v1/log/key.</summary>
    public override string ToString() => $"{Name}+{KeyId}+{Convert.ToBase64String([(byte)Type, .. _key])}";
}

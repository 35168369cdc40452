using System.Buffers.Binary;

namespace Federation.Core.Ledger;

/// <summary>
/// One signature line of a C2SP signed note: <c>— &lt;name&gt; &lt;base64(key ID || signature)&gt;</c>.
/// Kept as the canonical base64 of the line so that equal lines compare equal and format back byte for byte.
/// </summary>
public readonly record struct NoteSignature
{
    private NoteSignature(string name, NoteKeyId keyId, string base64) => (Name, KeyId, Base64) = (name, keyId, base64);

    public string Name { get; }

    public NoteKeyId KeyId { get; }

    /// <summary>Standard base64 of the key ID followed by the signature bytes.</summary>
    public string Base64 { get; }

    /// <summary>The signature bytes after the 4-byte key ID.</summary>
    public byte[] Signature => Convert.FromBase64String(Base64)[4..];

    public static NoteSignature Create(string name, NoteKeyId keyId, ReadOnlySpan<byte> signature)
    {
        if (!NoteEncoding.IsValidKeyName(name)) throw new NoteFormatException(NoteFormatError.InvalidKeyName, $"'{name}' is not a valid key name.");
        if (signature.IsEmpty) throw new NoteFormatException(NoteFormatError.SignatureTooShort, "A signature has at least one byte.");
        var payload = new byte[4 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(payload, keyId.Value);
        signature.CopyTo(payload.AsSpan(4));
        return new NoteSignature(name, keyId, Convert.ToBase64String(payload));
    }

    /// <summary>Parses one line without its trailing newline.</summary>
    public static NoteSignature ParseLine(string line) =>
        TryParseLine(line, out var signature, out var error, out var message) ? signature : throw new NoteFormatException(error, message);

    internal static bool TryParseLine(string line, out NoteSignature signature, out NoteFormatError error, out string message)
    {
        signature = default;
        error = default;
        message = "";
        if (!line.StartsWith(NoteEncoding.SignaturePrefix, StringComparison.Ordinal))
            return Fail(NoteFormatError.NotASignatureLine, $"'{line}' does not start with an em dash and a space.", out error, out message);
        // The name ends at the first space (Go's note.Open); base64 has no spaces, so a second one is a bad signature.
        var rest = line.AsSpan(NoteEncoding.SignaturePrefix.Length);
        var space = rest.IndexOf(' ');
        var name = space < 0 ? rest : rest[..space];
        var base64 = space < 0 ? [] : rest[(space + 1)..];
        if (!NoteEncoding.IsValidKeyName(name))
            return Fail(NoteFormatError.InvalidKeyName, $"'{name}' is not a valid key name.", out error, out message);
        if (!CanonicalBase64.TryDecode(base64, out var payload))
            return Fail(NoteFormatError.InvalidBase64, $"The signature of '{name}' is not canonical base64.", out error, out message);
        if (payload.Length < 5)
            return Fail(NoteFormatError.SignatureTooShort, $"The signature of '{name}' has {payload.Length} bytes; a key ID and a signature need at least 5.", out error, out message);
        signature = new NoteSignature(name.ToString(), new NoteKeyId(BinaryPrimitives.ReadUInt32BigEndian(payload)), base64.ToString());
        return true;
    }

    private static bool Fail(NoteFormatError reason, string text, out NoteFormatError error, out string message)
    {
        (error, message) = (reason, text);
        return false;
    }

    /// <summary>The line with its trailing newline, as it appears in a note or a tlog-witness response.</summary>
    public string ToLine() => $"{NoteEncoding.SignaturePrefix}{Name} {Base64}\n";

    public override string ToString() => $"{Name}+{KeyId}";
}

using System.Collections.Immutable;
using System.Text;

namespace Federation.Core.Ledger;

/// <summary>
/// A C2SP signed note (signed-note v1.0.0): UTF-8 text ending in a newline, a blank line, and one or more
/// signature lines <c>— &lt;name&gt; &lt;base64(key ID || signature)&gt;</c>. The signed message is the text
/// including its final newline; the blank line is not signed. Parsing is strict and keeps every line as given,
/// so <see cref="ToBytes"/> reproduces the input byte for byte.
/// </summary>
public sealed class SignedNote
{
    /// <summary>Go's note.Open limit; C2SP only requires accepting at least 16.</summary>
    public const int MaxSignatures = 100;

    private SignedNote(string text, ImmutableArray<NoteSignature> signatures) => (Text, Signatures) = (text, signatures);

    /// <summary>The signed text, ending in U+000A.</summary>
    public string Text { get; }

    /// <summary>Every signature line in order, duplicates included.</summary>
    public ImmutableArray<NoteSignature> Signatures { get; }

    public static SignedNote Create(string text, IEnumerable<NoteSignature> signatures)
    {
        CheckText(text);
        var lines = signatures.ToImmutableArray();
        if (lines.IsEmpty) throw new NoteFormatException(NoteFormatError.NoSignatures, "A signed note has at least one signature.");
        if (lines.Length > MaxSignatures) throw new NoteFormatException(NoteFormatError.TooManySignatures, $"More than {MaxSignatures} signatures.");
        return new SignedNote(text, lines);
    }

    /// <summary>This note with more signature lines appended (for example the cosignatures a witness returned).</summary>
    public SignedNote WithSignatures(IEnumerable<NoteSignature> more) => Create(Text, Signatures.Concat(more));

    public static SignedNote Parse(string note) => Parse(StrictBytes(note));

    /// <summary>UTF-8 of a note held as a string; an unpaired surrogate is refused, not replaced by U+FFFD.</summary>
    internal static byte[] StrictBytes(string note)
    {
        try { return NoteEncoding.StrictUtf8.GetBytes(note); }
        catch (EncoderFallbackException) { throw new NoteFormatException(NoteFormatError.InvalidUtf8, "The note has an unpaired surrogate."); }
    }

    /// <summary>Parses the exact bytes of a note, refusing anything C2SP signed-note does not allow.</summary>
    public static SignedNote Parse(ReadOnlySpan<byte> utf8)
    {
        string note;
        try { note = NoteEncoding.StrictUtf8.GetString(utf8); }
        catch (DecoderFallbackException) { throw new NoteFormatException(NoteFormatError.InvalidUtf8, "The note is not valid UTF-8."); }
        foreach (var c in note)
            if (c < 0x20 && c != '\n')
                throw new NoteFormatException(NoteFormatError.ControlCharacter, $"The note contains control character U+{(int)c:X4}.");

        // The text may itself contain blank lines; the signatures start after the last one.
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0) throw new NoteFormatException(NoteFormatError.NoSignatureBlock, "No blank line separates the text from signatures.");
        var text = note[..(split + 1)];
        var block = note[(split + 2)..];
        if (block.Length == 0) throw new NoteFormatException(NoteFormatError.NoSignatures, "The blank line is followed by no signature.");
        if (block[^1] != '\n') throw new NoteFormatException(NoteFormatError.MissingFinalNewline, "The last signature line does not end in a newline.");

        var lines = block[..^1].Split('\n');
        if (lines.Length > MaxSignatures) throw new NoteFormatException(NoteFormatError.TooManySignatures, $"{lines.Length} signature lines; at most {MaxSignatures} are read.");
        var signatures = ImmutableArray.CreateBuilder<NoteSignature>(lines.Length);
        foreach (var line in lines)
        {
            if (!NoteSignature.TryParseLine(line, out var signature, out var error, out var message)) throw new NoteFormatException(error, message);
            signatures.Add(signature);
        }
        return new SignedNote(text, signatures.MoveToImmutable());
    }

    /// <summary>
    /// Verifies against <paramref name="knownKeys"/> (C2SP signed-note §Verification). Lines whose (name, key ID)
    /// is unknown are ignored. Every distinct line from a known key must verify — one that does not invalidates
    /// the note. Identical repeated lines count once. At least one known key must have verified.
    /// </summary>
    public NoteVerification Verify(IEnumerable<NoteVerifier> knownKeys)
    {
        var keys = new Dictionary<(string, NoteKeyId), NoteVerifier>();
        foreach (var key in knownKeys)
            if (!keys.TryAdd((key.Name, key.KeyId), key))
                throw new ArgumentException($"Two known keys share the name and key ID {key.Name}+{key.KeyId}.", nameof(knownKeys));

        var text = Encoding.UTF8.GetBytes(Text);
        var seen = new HashSet<NoteSignature>();
        var verified = new List<NoteSignature>();
        var unverified = new List<NoteSignature>();
        foreach (var signature in Signatures)
        {
            if (!seen.Add(signature)) continue;
            if (!keys.TryGetValue((signature.Name, signature.KeyId), out var key))
            {
                unverified.Add(signature);
                continue;
            }
            if (!key.Verify(text, signature.Signature)) return new NoteVerification(NoteCheck.InvalidSignature, verified, unverified, signature);
            verified.Add(signature);
        }
        return new NoteVerification(verified.Count > 0 ? NoteCheck.Valid : NoteCheck.NoVerifiedSignature, verified, unverified);
    }

    public NoteVerification Verify(params NoteVerifier[] knownKeys) => Verify((IEnumerable<NoteVerifier>)knownKeys);

    public override string ToString()
    {
        var builder = new StringBuilder(Text).Append('\n');
        foreach (var signature in Signatures) builder.Append(signature.ToLine());
        return builder.ToString();
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToString());

    /// <summary>Text that can be signed: non-empty, ending in a newline, valid UTF-8 without control characters but U+000A.</summary>
    internal static void CheckText(string text)
    {
        if (text.Length == 0 || text[^1] != '\n')
            throw new NoteFormatException(NoteFormatError.InvalidText, "Note text must be non-empty and end in a newline.");
        foreach (var c in text)
            if (c < 0x20 && c != '\n')
                throw new NoteFormatException(NoteFormatError.ControlCharacter, $"Note text contains control character U+{(int)c:X4}.");
        StrictBytes(text);
    }
}

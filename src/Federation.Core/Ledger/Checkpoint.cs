using System.Collections.Immutable;
using System.Text;

namespace Federation.Core.Ledger;

/// <summary>
/// A C2SP tlog-checkpoint (v1.0.0) body: the origin line that names the log, the tree size in decimal, the
/// standard base64 of the RFC 6962 root hash, and optional non-empty extension lines, each ending in a newline.
/// It is the text of a signed note. Two checkpoints are equal when their texts are.
/// </summary>
public sealed class Checkpoint : IEquatable<Checkpoint>
{
    private Checkpoint(string origin, ulong size, MerkleHash rootHash, ImmutableArray<string> extensions, string text) =>
        (Origin, Size, RootHash, Extensions, Text) = (origin, size, rootHash, extensions, text);

    /// <summary>
    /// Uniquely names the log. It SHOULD be a schema-less URL and SHOULD equal the log key's name, but
    /// neither is required (Rekor v1 uses "rekor.sigstore.dev - &lt;tree id&gt;", sum.golang.org "go.sum database tree").
    /// </summary>
    public string Origin { get; }

    public ulong Size { get; }

    public MerkleHash RootHash { get; }

    /// <summary>Lines after the root. Signed, and cosigned, but witnesses make no statement about them.</summary>
    public ImmutableArray<string> Extensions { get; }

    /// <summary>The note text: every line including the last newline.</summary>
    public string Text { get; }

    public static Checkpoint Create(string origin, ulong size, MerkleHash rootHash, IEnumerable<string>? extensions = null)
    {
        var lines = (extensions ?? []).ToImmutableArray();
        if (origin.Contains('\n') || lines.Any(l => l.Contains('\n')))
            throw new ArgumentException("The origin and each extension are single lines.", nameof(origin));
        var builder = new StringBuilder().Append(origin).Append('\n')
            .Append(CanonicalDecimal.Format(size)).Append('\n')
            .Append(rootHash.ToBase64()).Append('\n');
        foreach (var line in lines) builder.Append(line).Append('\n');
        // Building through the parser keeps one definition of what is valid.
        return Parse(builder.ToString());
    }

    public static Checkpoint Parse(string text) =>
        TryParse(text, out var checkpoint, out var error, out var message) ? checkpoint : throw new CheckpointFormatException(error, message);

    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Checkpoint? checkpoint, out CheckpointFormatError error, out string message)
    {
        checkpoint = null;
        (error, message) = (default, "");
        if (text.Length == 0 || text[^1] != '\n')
            return Fail(CheckpointFormatError.MissingFinalNewline, "A checkpoint ends in a newline.", out error, out message);
        foreach (var c in text)
            if (c < 0x20 && c != '\n')
                return Fail(CheckpointFormatError.ControlCharacter, $"Control character U+{(int)c:X4}.", out error, out message);
        var lines = text[..^1].Split('\n');
        if (lines.Length < 3)
            return Fail(CheckpointFormatError.TooFewLines, $"{lines.Length} lines; a checkpoint has origin, size and root hash.", out error, out message);
        if (lines[0].Length == 0)
            return Fail(CheckpointFormatError.EmptyOrigin, "The origin line is empty.", out error, out message);
        if (!CanonicalDecimal.TryParse(lines[1], out var size))
            return Fail(CheckpointFormatError.InvalidSize, $"'{lines[1]}' is not a tree size (decimal, no leading zeros, below 2^64).", out error, out message);
        if (!MerkleHash.TryParseBase64(lines[2], out var root))
            return Fail(CheckpointFormatError.InvalidRootHash, $"'{lines[2]}' is not the canonical base64 of a 32-byte root hash.", out error, out message);
        var extensions = lines.AsSpan(3);
        foreach (var line in extensions)
            if (line.Length == 0)
                return Fail(CheckpointFormatError.EmptyExtensionLine, "An extension line is empty.", out error, out message);
        checkpoint = new Checkpoint(lines[0], size, root, [.. extensions], text);
        return true;
    }

    private static bool Fail(CheckpointFormatError reason, string text, out CheckpointFormatError error, out string message)
    {
        (error, message) = (reason, text);
        return false;
    }

    public bool Equals(Checkpoint? other) => other is not null && Text == other.Text;

    public override bool Equals(object? obj) => Equals(obj as Checkpoint);

    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Text;
}

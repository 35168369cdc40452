using System.Collections.Immutable;
using System.Text;

namespace Federation.Core.Ledger;

/// <summary>
/// A C2SP tlog-proof v1 file (<c>.tlog-proof</c>): an offline proof that one entry is in a log, as newline-separated
/// lines:
/// <code>
/// c2sp.org/tlog-proof@v1
/// extra &lt;base64&gt;          optional, opaque to the format and NOT authenticated by it
/// index &lt;decimal&gt;         the entry's 0-based index, no leading zeros
/// &lt;base64 hash&gt;            zero or more: the RFC 6962 inclusion proof, leaf's sibling first, up to the root's child
///                           an empty line
/// &lt;signed checkpoint&gt;      verbatim, with the log's signature and any witness cosignatures
/// </code>
/// Parsing checks the form only and is bounded: a file of more than <see cref="MaxBytes"/> or with more than
/// <see cref="MaxProofHashes"/> proof lines (the most a tree of 2^64 leaves needs) is refused before anything is
/// decoded. Trust comes from verifying the checkpoint and the proof; <see cref="Extra"/> is only ever a claim that
/// the verifier must tie to the leaf hash itself.
/// </summary>
public sealed class TlogProof
{
    public const string Header = "c2sp.org/tlog-proof@v1";
    public const string ExtraPrefix = "extra ";
    public const string IndexPrefix = "index ";

    /// <summary>Inclusion proofs in a tree of at most 2^64 leaves have at most 64 hashes.</summary>
    public const int MaxProofHashes = 64;

    /// <summary>
    /// 32 MiB: room for an entry's signed envelope and detached content (a release is at most 8 MiB, a signature 1 MiB)
    /// in base64 inside base64, the proof and a checkpoint of 100 signatures, far less than would strain a verifier.
    /// </summary>
    public const int MaxBytes = 32 * 1024 * 1024;

    private TlogProof(byte[]? extra, ulong index, ImmutableArray<MerkleHash> proof, SignedCheckpoint checkpoint) =>
        (_extra, Index, Proof, Checkpoint) = (extra, index, proof, checkpoint);

    private readonly byte[]? _extra;

    /// <summary>The opaque extra data, or null when the file has none.</summary>
    public ReadOnlySpan<byte> Extra => _extra;

    public bool HasExtra => _extra is not null;

    public ulong Index { get; }

    /// <summary>Leaf to root (RFC 6962 PATH).</summary>
    public ImmutableArray<MerkleHash> Proof { get; }

    public SignedCheckpoint Checkpoint { get; }

    /// <exception cref="ArgumentException">More than <see cref="MaxProofHashes"/> hashes, or empty extra data (the format omits the line instead).</exception>
    public static TlogProof Create(ulong index, IEnumerable<MerkleHash> proof, SignedCheckpoint checkpoint, ReadOnlySpan<byte> extra = default, bool hasExtra = false)
    {
        var hashes = proof.ToImmutableArray();
        if (hashes.Length > MaxProofHashes) throw new ArgumentException($"{hashes.Length} proof hashes; at most {MaxProofHashes}.", nameof(proof));
        if (hasExtra && extra.IsEmpty) throw new ArgumentException("Extra data, when present, is not empty.", nameof(extra));
        return new TlogProof(hasExtra ? extra.ToArray() : null, index, hashes, checkpoint);
    }

    /// <summary>Parses the exact bytes of a proof file; throws <see cref="TlogProofFormatException"/> naming what is wrong.</summary>
    public static TlogProof Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxBytes) throw Fail(TlogProofFormatError.TooLarge, $"{utf8.Length} bytes; a proof file has at most {MaxBytes}.");
        string text;
        try { text = NoteEncoding.StrictUtf8.GetString(utf8); }
        catch (DecoderFallbackException) { throw Fail(TlogProofFormatError.InvalidText, "The file is not valid UTF-8."); }
        foreach (var c in text)
            if (c < 0x20 && c != '\n')
                throw Fail(TlogProofFormatError.InvalidText, $"The file contains control character U+{(int)c:X4}.");

        var at = 0;
        string? Line()
        {
            if (at >= text.Length) return null;
            var end = text.IndexOf('\n', at);
            if (end < 0) return null; // every line before the checkpoint ends in a newline
            var line = text[at..end];
            at = end + 1;
            return line;
        }

        if (Line() != Header) throw Fail(TlogProofFormatError.WrongHeader, $"The first line is not '{Header}'.");
        var line = Line();
        byte[]? extra = null;
        if (line is not null && line.StartsWith(ExtraPrefix, StringComparison.Ordinal))
        {
            if (!CanonicalBase64.TryDecode(line.AsSpan(ExtraPrefix.Length), out var decoded))
                throw Fail(TlogProofFormatError.InvalidExtra, "The extra data is not non-empty canonical standard base64.");
            extra = decoded;
            line = Line();
        }
        if (line is null || !line.StartsWith(IndexPrefix, StringComparison.Ordinal)
            || !CanonicalDecimal.TryParse(line.AsSpan(IndexPrefix.Length), out var index))
            throw Fail(TlogProofFormatError.InvalidIndex, "Expected 'index <decimal without leading zeros>' after the header (and extra line).");

        var proof = ImmutableArray.CreateBuilder<MerkleHash>();
        while (true)
        {
            line = Line();
            if (line is null) throw Fail(TlogProofFormatError.InvalidCheckpoint, "No empty line and checkpoint follow the proof.");
            if (line.Length == 0) break;
            if (proof.Count == MaxProofHashes)
                throw Fail(TlogProofFormatError.TooManyProofHashes, $"More than {MaxProofHashes} proof lines.");
            if (!MerkleHash.TryParseBase64(line, out var hash))
                throw Fail(TlogProofFormatError.InvalidProofHash, $"Proof line {proof.Count + 1} is not the canonical base64 of a 32-byte hash.");
            proof.Add(hash);
        }

        SignedCheckpoint checkpoint;
        try { checkpoint = SignedCheckpoint.Parse(text[at..]); }
        catch (FormatException e) { throw Fail(TlogProofFormatError.InvalidCheckpoint, $"The checkpoint is not a signed tlog-checkpoint: {e.Message}"); }
        return new TlogProof(extra, index, proof.ToImmutable(), checkpoint);
    }

    public override string ToString()
    {
        var builder = new StringBuilder(Header).Append('\n');
        if (_extra is { } extra) builder.Append(ExtraPrefix).Append(Convert.ToBase64String(extra)).Append('\n');
        builder.Append(IndexPrefix).Append(CanonicalDecimal.Format(Index)).Append('\n');
        foreach (var hash in Proof) builder.Append(hash.ToBase64()).Append('\n');
        return builder.Append('\n').Append(Checkpoint.ToString()).ToString();
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToString());

    private static TlogProofFormatException Fail(TlogProofFormatError reason, string message) => new(reason, message);
}

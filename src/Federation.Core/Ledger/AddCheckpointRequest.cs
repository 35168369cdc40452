using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Federation.Core.Ledger;

/// <summary>
/// The body of a C2SP tlog-witness <c>POST &lt;prefix&gt;/add-checkpoint</c>: an <c>old &lt;size&gt;</c> line, zero to
/// 63 base64 consistency-proof lines (RFC 6962 PROOF(old, size), leaf to root), an empty line, and the signed
/// checkpoint (which may carry several signatures).
/// </summary>
public sealed class AddCheckpointRequest
{
    /// <summary>tlog-witness: a client MUST NOT send more than 63 proof lines (the longest possible proof).</summary>
    public const int MaxProofLines = 63;

    private AddCheckpointRequest(ulong oldSize, IReadOnlyList<MerkleHash> proof, SignedCheckpoint checkpoint) =>
        (OldSize, Proof, Checkpoint) = (oldSize, proof, checkpoint);

    /// <summary>The size of the checkpoint the client believes this witness cosigned last (0 if none).</summary>
    public ulong OldSize { get; }

    public IReadOnlyList<MerkleHash> Proof { get; }

    public SignedCheckpoint Checkpoint { get; }

    public static AddCheckpointRequest Create(ulong oldSize, IReadOnlyList<MerkleHash> proof, SignedCheckpoint checkpoint)
    {
        if (proof.Count > MaxProofLines) throw new ArgumentException($"At most {MaxProofLines} proof lines.", nameof(proof));
        return new AddCheckpointRequest(oldSize, [.. proof], checkpoint);
    }

    /// <summary>
    /// Parses a request body. A body that does not parse is answered "400 Bad Request" with <paramref name="problem"/>
    /// before any witness state is read.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out AddCheckpointRequest? request, out string problem)
    {
        request = null;
        problem = "";
        // Header lines are never empty, so the first blank line ends the header.
        var split = body.IndexOf("\n\n"u8);
        if (split < 0) return Fail("The body has no empty line before the checkpoint.", out problem);
        string header;
        try { header = NoteEncoding.StrictUtf8.GetString(body[..split]); }
        catch (DecoderFallbackException) { return Fail("The header is not valid UTF-8.", out problem); }

        var lines = header.Split('\n');
        if (!lines[0].StartsWith("old ", StringComparison.Ordinal) || !CanonicalDecimal.TryParse(lines[0].AsSpan(4), out var oldSize))
            return Fail("The first line is not 'old <size>' with a decimal size without leading zeros.", out problem);
        if (lines.Length - 1 > MaxProofLines) return Fail($"{lines.Length - 1} proof lines; at most {MaxProofLines} are allowed.", out problem);
        var proof = new MerkleHash[lines.Length - 1];
        for (var i = 1; i < lines.Length; i++)
            if (!MerkleHash.TryParseBase64(lines[i], out proof[i - 1]))
                return Fail($"Proof line {i} is not the canonical base64 of a 32-byte hash.", out problem);

        try
        {
            request = new AddCheckpointRequest(oldSize, proof, SignedCheckpoint.Parse(body[(split + 2)..]));
            return true;
        }
        catch (FormatException ex) when (ex is NoteFormatException or CheckpointFormatException)
        {
            return Fail($"The checkpoint is malformed: {ex.Message}", out problem);
        }
    }

    private static bool Fail(string message, out string problem)
    {
        problem = message;
        return false;
    }

    /// <summary>The request body, as a log sends it to a witness.</summary>
    public byte[] ToBytes()
    {
        var header = new StringBuilder("old ").Append(CanonicalDecimal.Format(OldSize)).Append('\n');
        foreach (var hash in Proof) header.Append(hash.ToBase64()).Append('\n');
        header.Append('\n');
        return [.. Encoding.UTF8.GetBytes(header.ToString()), .. Checkpoint.ToBytes()];
    }
}

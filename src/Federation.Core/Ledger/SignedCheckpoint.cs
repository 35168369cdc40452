using System.Collections.Immutable;

namespace Federation.Core.Ledger;

/// <summary>
/// A checkpoint together with the signed note that carries it: the log's signature and any witness cosignatures.
/// Parsing checks the form only; trust comes from <see cref="Verify"/> with the keys the reader trusts.
/// </summary>
public sealed class SignedCheckpoint
{
    private SignedCheckpoint(Checkpoint checkpoint, SignedNote note) => (Checkpoint, Note) = (checkpoint, note);

    public Checkpoint Checkpoint { get; }

    public SignedNote Note { get; }

    /// <summary>Parses a signed note whose text is a checkpoint; throws <see cref="NoteFormatException"/> or <see cref="CheckpointFormatException"/>.</summary>
    public static SignedCheckpoint Parse(ReadOnlySpan<byte> note)
    {
        var parsed = SignedNote.Parse(note);
        return new SignedCheckpoint(Checkpoint.Parse(parsed.Text), parsed);
    }

    public static SignedCheckpoint Parse(string note) => Parse(SignedNote.StrictBytes(note));

    /// <summary>Signs <paramref name="checkpoint"/> with the log key (tlog-checkpoint: the key's name should be the origin).</summary>
    public static SignedCheckpoint Sign(Checkpoint checkpoint, Ed25519NoteSigner logKey) =>
        new(checkpoint, logKey.SignNote(checkpoint.Text));

    /// <summary>Verifies the note against <paramref name="keys"/>: the log's keys, plus witness keys to count cosignatures.</summary>
    public NoteVerification Verify(IEnumerable<NoteVerifier> keys) => Note.Verify(keys);

    /// <summary>This checkpoint with cosignature lines appended, as a log serves it after witnessing.</summary>
    public SignedCheckpoint WithCosignatures(IEnumerable<NoteSignature> cosignatures) => new(Checkpoint, Note.WithSignatures(cosignatures));

    public ImmutableArray<NoteSignature> Signatures => Note.Signatures;

    public override string ToString() => Note.ToString();

    public byte[] ToBytes() => Note.ToBytes();
}

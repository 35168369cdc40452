namespace Federation.Core.Ledger;

/// <summary>A signed note or signature line that does not follow C2SP signed-note, with the precise reason.</summary>
public sealed class NoteFormatException(NoteFormatError reason, string message) : FormatException(message)
{
    public NoteFormatError Reason { get; } = reason;
}

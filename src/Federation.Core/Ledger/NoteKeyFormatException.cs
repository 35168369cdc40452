namespace Federation.Core.Ledger;

/// <summary>A verifier or signer key string that was refused, with the precise reason.</summary>
public sealed class NoteKeyFormatException(NoteKeyError reason, string message) : FormatException(message)
{
    public NoteKeyError Reason { get; } = reason;
}

namespace Federation.Core.Ledger;

/// <summary>A checkpoint body that is not strict C2SP tlog-checkpoint, with the precise reason.</summary>
public sealed class CheckpointFormatException(CheckpointFormatError reason, string message) : FormatException(message)
{
    public CheckpointFormatError Reason { get; } = reason;
}

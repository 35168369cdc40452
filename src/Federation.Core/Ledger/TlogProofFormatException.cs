namespace Federation.Core.Ledger;

/// <summary>A tlog-proof file that does not follow C2SP tlog-proof v1 or exceeds its bounds, with the precise reason.</summary>
public sealed class TlogProofFormatException(TlogProofFormatError reason, string message) : FormatException(message)
{
    public TlogProofFormatError Reason { get; } = reason;
}

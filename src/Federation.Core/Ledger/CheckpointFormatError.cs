namespace Federation.Core.Ledger;

/// <summary>Why a note text is not a strict C2SP tlog-checkpoint body.</summary>
public enum CheckpointFormatError
{
    /// <summary>The text does not end in a newline.</summary>
    MissingFinalNewline,
    /// <summary>A control character other than U+000A (signed-note forbids them in every note).</summary>
    ControlCharacter,
    /// <summary>Fewer than the three lines origin, size and root hash.</summary>
    TooFewLines,
    EmptyOrigin,
    /// <summary>The size is not a decimal without leading zeros that fits in 64 bits.</summary>
    InvalidSize,
    /// <summary>The root is not the canonical base64 of exactly 32 bytes.</summary>
    InvalidRootHash,
    /// <summary>An extension line is empty (tlog-checkpoint: extension lines MUST be non-empty).</summary>
    EmptyExtensionLine,
}

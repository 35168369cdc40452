namespace Federation.Core.Ledger;

/// <summary>Why a file is not a strict, bounded C2SP tlog-proof v1 (<see cref="TlogProof"/>).</summary>
public enum TlogProofFormatError
{
    /// <summary>More bytes than <see cref="TlogProof.MaxBytes"/>.</summary>
    TooLarge,
    /// <summary>Not UTF-8, or a control character other than U+000A.</summary>
    InvalidText,
    /// <summary>The first line is not <c>c2sp.org/tlog-proof@v1</c>.</summary>
    WrongHeader,
    /// <summary>An <c>extra</c> line whose data is empty or not canonical standard base64.</summary>
    InvalidExtra,
    /// <summary>No <c>index</c> line where one belongs, or an index that is not a decimal without leading zeros.</summary>
    InvalidIndex,
    /// <summary>A proof line that is not the canonical base64 of a 32-byte hash.</summary>
    InvalidProofHash,
    /// <summary>More than <see cref="TlogProof.MaxProofHashes"/> proof lines.</summary>
    TooManyProofHashes,
    /// <summary>No empty line before the checkpoint, or the checkpoint is not a signed tlog-checkpoint note.</summary>
    InvalidCheckpoint,
}

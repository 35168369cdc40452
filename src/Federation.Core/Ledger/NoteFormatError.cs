namespace Federation.Core.Ledger;

/// <summary>Why a byte string is not a well-formed C2SP signed note (signed-note §Format, and Go's note.Open).</summary>
public enum NoteFormatError
{
    InvalidUtf8,
    /// <summary>A control character other than U+000A.</summary>
    ControlCharacter,
    /// <summary>No blank line separates the text from a signature block.</summary>
    NoSignatureBlock,
    /// <summary>The blank line is not followed by any signature line.</summary>
    NoSignatures,
    /// <summary>The last signature line does not end in U+000A.</summary>
    MissingFinalNewline,
    /// <summary>A line after the blank line does not start with U+2014 and a space.</summary>
    NotASignatureLine,
    InvalidKeyName,
    /// <summary>The signature is missing or not canonical standard base64.</summary>
    InvalidBase64,
    /// <summary>Fewer than 4 key-ID bytes plus one signature byte.</summary>
    SignatureTooShort,
    /// <summary>More than <see cref="SignedNote.MaxSignatures"/> lines (C2SP: verifiers must accept at least 16).</summary>
    TooManySignatures,
    /// <summary>Note text that is empty or does not end in a newline (refused when signing).</summary>
    InvalidText,
}

namespace Federation.Core.Ledger;

/// <summary>
/// What verifying a note found: the outcome, the distinct lines that verified, the distinct lines from unknown
/// keys (ignored, as the spec requires — that is how key rotation and cosignatures coexist), and for
/// <see cref="NoteCheck.InvalidSignature"/> the line that failed.
/// </summary>
public sealed record NoteVerification(
    NoteCheck Result,
    IReadOnlyList<NoteSignature> Verified,
    IReadOnlyList<NoteSignature> Unverified,
    NoteSignature? Failed = null)
{
    public bool IsValid => Result == NoteCheck.Valid;
}

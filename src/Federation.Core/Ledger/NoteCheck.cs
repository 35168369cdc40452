namespace Federation.Core.Ledger;

/// <summary>The outcome of verifying a signed note against a set of known keys (C2SP signed-note §Verification).</summary>
public enum NoteCheck
{
    /// <summary>At least one known key verified, and no known key failed.</summary>
    Valid,
    /// <summary>A line names a known key (name and ID) and its signature does not verify: the whole note is refused.</summary>
    InvalidSignature,
    /// <summary>Well-formed, but no line is from a known key.</summary>
    NoVerifiedSignature,
}

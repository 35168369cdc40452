namespace Federation.Auditor.Verify;

/// <summary>The first thing in a bundle that does not hold: where, what was expected, what was found, and for the
/// attacks an auditor most needs told apart, a stable <see cref="Reason"/> code printed before them.</summary>
public sealed class AuditFailure(string where, string expected, string found, string? reason = null)
    : Exception($"{where}: expected {expected}; found {found}")
{
    /// <summary>Fewer distinct trusted witness keys cosigned the latest checkpoint than the quorum asks.</summary>
    public const string WitnessQuorum = "witness-quorum";

    /// <summary>The quorum is met only by counting several lines of one witness key: a witness counts once.</summary>
    public const string WitnessDuplicated = "witness-duplicated";

    public string Where { get; } = where;
    public string Expected { get; } = expected;
    public string Found { get; } = found;
    public string? Reason { get; } = reason;
}

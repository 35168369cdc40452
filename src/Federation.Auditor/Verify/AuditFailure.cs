namespace Federation.Auditor.Verify;

/// <summary>The first thing in a bundle that does not hold: where, what was expected, what was found.</summary>
public sealed class AuditFailure(string where, string expected, string found)
    : Exception($"{where}: expected {expected}; found {found}")
{
    public string Where { get; } = where;
    public string Expected { get; } = expected;
    public string Found { get; } = found;
}

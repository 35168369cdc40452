namespace Federation.Auditor.Hosting;

/// <summary>Something did not verify, or could not be read: printed as <c>fedaudit: &lt;reason&gt;: &lt;detail&gt;</c>,
/// exit code 1. <see cref="Reason"/> is a stable code (the verifier's own, or one of the input reasons here).</summary>
public sealed class AuditFailure(string reason, string detail) : Exception($"{reason}: {detail}")
{
    /// <summary>A file named on the command line is missing or unreadable.</summary>
    public const string InputUnreadable = "input-unreadable";

    /// <summary>The CA file holds no certificate.</summary>
    public const string CaUnreadable = "ca-unreadable";

    public string Reason { get; } = reason;
    public string Detail { get; } = detail;
}

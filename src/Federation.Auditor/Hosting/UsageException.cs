namespace Federation.Auditor.Hosting;

/// <summary>The command line is wrong: printed as <c>fedaudit: &lt;message&gt;</c>, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

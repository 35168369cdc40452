namespace Federation.Cli.Hosting;

/// <summary>An error the operator can act on: printed as one plain line, exit code 1 (2 for usage errors).</summary>
public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

using Microsoft.Extensions.Time.Testing;

namespace Federation.Cli.Tests.Support;

/// <summary>Runs <c>fedctl</c> in-process at a fixed instant and captures what it prints.</summary>
internal static class Fedctl
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static Outcome Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = FedCtl.Run(args, stdout, stderr, new FakeTimeProvider(Now));
        return new Outcome(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs and demands success, so a setup step that fails says why.</summary>
    public static Outcome Ok(params string[] args)
    {
        var outcome = Run(args);
        Assert.True(outcome.ExitCode == 0, $"fedctl {string.Join(' ', args)} exited {outcome.ExitCode}: {outcome.Stderr}");
        return outcome;
    }

    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Stderr is exactly one line starting with <c>fedctl: </c>; returns it without the prefix.</summary>
        public string OneLineError()
        {
            Assert.EndsWith(Environment.NewLine, Stderr, StringComparison.Ordinal);
            var line = Stderr[..^Environment.NewLine.Length];
            Assert.DoesNotContain('\n', line);
            Assert.StartsWith("fedctl: ", line, StringComparison.Ordinal);
            return line["fedctl: ".Length..];
        }
    }
}

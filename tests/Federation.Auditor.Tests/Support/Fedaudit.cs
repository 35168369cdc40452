using Microsoft.Extensions.Time.Testing;

namespace Federation.Auditor.Tests.Support;

/// <summary>Runs <c>fedaudit</c> in-process and captures what it prints.</summary>
internal static class Fedaudit
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static Outcome Run(params string[] args) => RunAt(Now, args);

    public static Outcome RunAt(DateTimeOffset now, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = Auditor.Run(args, stdout, stderr, new FakeTimeProvider(now));
        return new Outcome(exit, stdout.ToString(), stderr.ToString());
    }

    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Stderr is exactly one line starting with <c>fedaudit: </c>; returns it without the prefix.</summary>
        public string OneLineError()
        {
            Assert.Equal("", Stdout);
            return OneLine(Stderr, "fedaudit: ");
        }

        /// <summary>Stdout is exactly one line; returns it.</summary>
        public string OneLineOutput()
        {
            Assert.Equal("", Stderr);
            return OneLine(Stdout, "");
        }

        private static string OneLine(string text, string prefix)
        {
            Assert.EndsWith(Environment.NewLine, text, StringComparison.Ordinal);
            var line = text[..^Environment.NewLine.Length];
            Assert.DoesNotContain('\n', line);
            Assert.DoesNotContain('\r', line);
            Assert.StartsWith(prefix, line, StringComparison.Ordinal);
            return line[prefix.Length..];
        }
    }
}

using Federation.Auditor.Tests.Support;

namespace Federation.Auditor.Tests;

public sealed class AuditorTests
{
    [Fact]
    public void No_arguments_prints_usage_on_stderr_and_exits_2()
    {
        var run = Fedaudit.Run();

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("usage: fedaudit", run.Stderr, StringComparison.Ordinal);
        Assert.EndsWith(Environment.NewLine, run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Help_prints_usage_on_stdout_and_exits_0()
    {
        var run = Fedaudit.Run("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("descriptor <file.p7s> --ca <ca.crt> --node <node-id>", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void An_unknown_verb_is_a_usage_error_on_one_line()
    {
        var run = Fedaudit.Run("verify-everything");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("unknown verb 'verify-everything'", run.OneLineError(), StringComparison.Ordinal);
    }
}

using Federation.Cli.Tests.Support;

namespace Federation.Cli.Tests;

public sealed class FedCtlTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Refuses_an_unknown_command_with_exit_2_and_one_line()
    {
        var run = Fedctl.Run("frobnicate");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("unknown command 'frobnicate'", run.OneLineError(), StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Refuses_an_unknown_verb_with_exit_2_and_one_line()
    {
        var run = Fedctl.Run("certs", "frobnicate");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("unknown verb 'certs frobnicate'", run.OneLineError(), StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_an_unknown_option_with_exit_2_and_one_line()
    {
        var run = Fedctl.Run("certs", "dev", "--out", _dir.Path, "--colour", "red");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("unknown option --colour", run.OneLineError());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path)); // nothing was written
    }

    [Fact]
    public void Refuses_an_option_without_its_value_with_exit_2()
    {
        var run = Fedctl.Run("certs", "dev", "--out");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("--out needs a value", run.OneLineError());
    }

    [Fact]
    public void Refuses_an_option_given_twice_with_exit_2()
    {
        var run = Fedctl.Run("certs", "dev", "--out", _dir["a"], "--out", _dir["b"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("--out given twice", run.OneLineError());
    }

    [Fact]
    public void Refuses_a_missing_required_option_with_exit_2()
    {
        var run = Fedctl.Run("certs", "ca", "--out", _dir["ca"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("--subject is required", run.OneLineError());
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("99999999")]
    [InlineData("ten")]
    public void Refuses_a_number_out_of_range_naming_the_option(string years)
    {
        var outcome = Fedctl.Run("certs", "ca", "--subject", "CN=x", "--out", Path.Combine(_dir.Path, "ca"), "--years", years);

        Assert.Equal(2, outcome.ExitCode);
        Assert.StartsWith($"--years: '{years}' must be a whole number", outcome.OneLineError(), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_prints_usage_and_exits_0()
    {
        var run = Fedctl.Run("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("usage: fedctl", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void No_arguments_prints_usage_and_exits_2()
    {
        var run = Fedctl.Run();

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("usage: fedctl", run.Stdout, StringComparison.Ordinal);
    }
}

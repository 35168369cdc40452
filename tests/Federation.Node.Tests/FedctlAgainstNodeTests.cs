using Federation.Cli;
using Federation.Node.Tests.Support;

namespace Federation.Node.Tests;

/// <summary><c>fedctl list publish</c> and <c>fedctl list entries</c> against a real node over mTLS.</summary>
public sealed class FedctlAgainstNodeTests(FedctlAgainstNodeTests.Node fixture) : IClassFixture<FedctlAgainstNodeTests.Node>
{
    public sealed class Node : IAsyncLifetime
    {
        public TestNode Kr { get; } = new("kr-knpa");
        public Task InitializeAsync() => Kr.StartAsync();
        public Task DisposeAsync() => Kr.DisposeAsync().AsTask();
    }

    [Fact]
    public async Task Publish_then_entries_gives_back_the_published_entries_in_canonical_order()
    {
        var csv = Path.GetTempFileName();
        await File.WriteAllTextAsync(csv, """
            signal,value,classification,legal_basis,tags
            sha256,9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,csam,KR-APCSA-11,
            md5,098f6bcd4621d373cade4e832627b4f6,deepfake-ncii,,video

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        try
        {
            var publish = Run("list", "publish", "--node", fixture.Kr.AgencyUrl.ToString(), "--cert", Person("officer.crt"), "--key", Person("officer.key"),
                "--ca", Person("ca.crt"), "--list", "cli-list", "--in", csv, "--audience", "fr-ofmin");
            Assert.True(publish.Exit == 0, publish.Err);
            Assert.Matches("^published kr-knpa/cli-list version 1 sha256 [0-9a-f]{64} \\(2 added, 0 withdrawn\\)", publish.Out);

            var entries = Run("list", "entries", "--node", fixture.Kr.AgencyUrl.ToString(), "--cert", Person("auditor.crt"), "--key", Person("auditor.key"),
                "--ca", Person("ca.crt"), "--list", "cli-list", "--origin", "kr-knpa");
            Assert.True(entries.Exit == 0, entries.Err);
            Assert.Equal("""
                signal,value,classification,legal_basis,tags
                sha256,9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,csam,KR-APCSA-11,
                md5,098f6bcd4621d373cade4e832627b4f6,deepfake-ncii,,video

                """.Replace("\r\n", "\n", StringComparison.Ordinal), entries.Out.Replace("\r\n", "\n", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public void A_person_of_another_agency_is_refused_with_one_line()
    {
        var outcome = Run("list", "entries", "--node", fixture.Kr.AgencyUrl.ToString(), "--cert", Repo.CertsDev("fr-ofmin", "officer.crt"),
            "--key", Repo.CertsDev("fr-ofmin", "officer.key"), "--ca", Person("ca.crt"), "--list", "cli-list", "--origin", "kr-knpa");
        Assert.Equal(1, outcome.Exit);
        Assert.StartsWith("fedctl: ", outcome.Err, StringComparison.Ordinal);
        Assert.Single(outcome.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void An_unknown_list_is_reported_with_the_nodes_reason()
    {
        var outcome = Run("list", "entries", "--node", fixture.Kr.AgencyUrl.ToString(), "--cert", Person("officer.crt"), "--key", Person("officer.key"),
            "--ca", Person("ca.crt"), "--list", "no-such-list", "--origin", "kr-knpa");
        Assert.Equal(1, outcome.Exit);
        Assert.Contains("404 list-not-found", outcome.Err, StringComparison.Ordinal);
    }

    private static string Person(string file) => Repo.CertsDev("kr-knpa", file);

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        var exit = FedCtl.Run(args, o, e, TimeProvider.System);
        return (exit, o.ToString(), e.ToString());
    }
}

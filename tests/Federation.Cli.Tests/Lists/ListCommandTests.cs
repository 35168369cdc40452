using System.Text;
using Federation.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Cli.Tests.Lists;

/// <summary><c>fedctl list</c> as an operator runs it, with the dev certificates of certs-dev/.</summary>
public sealed class ListCommandTests : IDisposable
{
    private const string Sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private const string Md5 = "900150983cd24fb0d6963f7d28e17f72";
    private const string Pdq = "d0f8f1ccc0f4a84d0a370a3a228f67f0b36e2ed5b6623e1d33e6339c4e9c9b22";

    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(TestPki.DevNow);
    private static readonly string Kr = TestPki.DevPath(TestPki.Kr, "") + Path.DirectorySeparatorChar;

    public void Dispose() => _dir.Dispose();

    private (int Exit, string Out, string Err) FedCtl(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = Cli.FedCtl.Run(args, stdout, stderr, _time);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Csv(string name, string rows)
    {
        File.WriteAllText(_dir.File(name), "signal,value,classification,legal_basis,tags\n" + rows);
        return _dir.File(name);
    }

    private string Pack(string csv, int version, string output, params string[] extra)
    {
        var r = FedCtl(["list", "pack", "--in", csv, "--list", "ncii-2026", "--origin", "kr-knpa", "--version", version.ToString(), "--out", _dir.File(output), .. extra]);
        Assert.True(r.Exit == 0, r.Err);
        return _dir.File(output);
    }

    private string Sign(string release, string output)
    {
        var r = FedCtl("list", "sign", "--release", release, "--cert", Kr + "node-signing.crt", "--key", Kr + "node-signing.key", "--out", _dir.File(output));
        Assert.True(r.Exit == 0, r.Err);
        return _dir.File(output);
    }

    private string SomeCsv() => Csv("entries.csv", $"sha256,{Sha},csam,\"Art. 11, KR\",video\nmd5,{Md5},-withdraw\npdq,{Pdq},deepfake-ncii,,reviewed\n");

    [Fact]
    public void Pack_sign_verify_prints_one_line_and_exits_zero()
    {
        var release = Pack(SomeCsv(), 1, "release.bin");
        var signature = Sign(release, "release.p7s");

        var r = FedCtl("list", "verify", "--release", release, "--sig", signature, "--ca", Kr + "ca.crt", "--origin", "kr-knpa");

        Assert.Equal(0, r.Exit);
        Assert.Equal("", r.Err);
        var line = Assert.Single(r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("verified kr-knpa/ncii-2026 version 1: 2 added, 1 withdrawn, sha256 ", line);
    }

    [OpenSslFact]
    public void OpenSSL_verifies_what_fedctl_signed()
    {
        var release = Pack(SomeCsv(), 1, "release.bin");
        var signature = Sign(release, "release.p7s");

        var r = OpenSsl.Run("cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-content", release,
            "-CAfile", Kr + "ca.crt", "-purpose", "any", "-out", "/dev/null");

        Assert.True(r.ExitCode == 0, r.Output);
    }

    [Fact]
    public void The_next_release_verifies_against_the_previous_one_and_a_replay_is_refused()
    {
        var v1 = Pack(SomeCsv(), 1, "v1.bin");
        var s1 = Sign(v1, "v1.p7s");
        var v2 = Pack(Csv("more.csv", $"md5,{Md5},ncii\n"), 2, "v2.bin", "--previous", v1, "--expires", "7d");
        var s2 = Sign(v2, "v2.p7s");

        var next = FedCtl("list", "verify", "--release", v2, "--sig", s2, "--ca", Kr + "ca.crt", "--origin", "kr-knpa", "--previous", v1);
        var replay = FedCtl("list", "verify", "--release", v1, "--sig", s1, "--ca", Kr + "ca.crt", "--origin", "kr-knpa", "--previous", v1);

        Assert.True(next.Exit == 0, next.Err);
        Assert.Contains("expires " + TestPki.DevNow.AddDays(7).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"), next.Out);
        Assert.Equal(1, replay.Exit);
        Assert.StartsWith("fedctl: refused (release-duplicate):", replay.Err);
    }

    [Fact]
    public void Verify_refuses_a_release_expected_from_another_node_and_names_the_reason()
    {
        var release = Pack(SomeCsv(), 1, "release.bin");
        var signature = Sign(release, "release.p7s");

        var r = FedCtl("list", "verify", "--release", release, "--sig", signature, "--ca", Kr + "ca.crt", "--origin", "fr-ofmin");

        Assert.Equal(1, r.Exit);
        Assert.Equal("", r.Out);
        Assert.StartsWith("fedctl: refused (signer-not-origin):", r.Err);
    }

    [Fact]
    public void Show_prints_the_summary_and_the_entries_as_CSV_that_packs_to_the_same_bytes()
    {
        var release = Pack(SomeCsv(), 1, "release.bin");

        var summary = FedCtl("list", "show", release);
        var entries = FedCtl("list", "show", release, "--entries");
        File.WriteAllText(_dir.File("again.csv"), entries.Out);
        var again = Pack(_dir.File("again.csv"), 1, "again.bin");

        Assert.Contains("origin     kr-knpa", summary.Out);
        Assert.Contains("added      2", summary.Out);
        Assert.Contains("tlp        TLP:AMBER", summary.Out);
        Assert.Equal(
            $"signal,value,classification,legal_basis,tags\nsha256,{Sha},csam,\"Art. 11, KR\",video\nmd5,{Md5},-withdraw,,\npdq,{Pdq},deepfake-ncii,,reviewed\n",
            entries.Out.ReplaceLineEndings("\n"));
        Assert.Equal(File.ReadAllBytes(release), File.ReadAllBytes(again));
    }

    [Fact]
    public void Show_reads_the_documented_example_as_documented()
    {
        var example = _dir.File("demo.bin");
        File.WriteAllBytes(example, FormatDocument.HexDump("release-v1"));

        var r = FedCtl("list", "show", example, "--entries");

        Assert.Equal(FormatDocument.Block("release-v1-csv"), r.Out.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'));
    }

    public static TheoryData<string, byte[], int, string> BadCsv => new()
    {
        { "bad hex", Encoding.UTF8.GetBytes($"signal,value,classification\nmd5,{Md5},csam\nmd5,{Md5[..^1]}x,csam\n"), 3, "'x' is not a hex digit" },
        { "wrong length", Encoding.UTF8.GetBytes($"signal,value,classification\nsha256,{Md5},csam\n"), 2, "expected 64 hex digits, got 32" },
        { "unknown signal", Encoding.UTF8.GetBytes($"signal,value,classification\nsha1,{Md5},csam\n"), 2, "'sha1' is not a known signal type" },
        { "empty file", [], 1, "the file is empty" },
        { "10 MB of garbage", Garbage(10 * 1024 * 1024), 1, "" },
        { "a value twice", Encoding.UTF8.GetBytes($"signal,value,classification\nmd5,{Md5},csam\npdq,{Pdq},csam\nmd5,{Md5.ToUpperInvariant()},ncii\n"), 4, $"md5:{Md5} is already listed on line 2" },
    };

    [Theory]
    [MemberData(nameof(BadCsv))]
    public void Pack_refuses_bad_CSV_naming_the_line_and_writes_nothing(string _, byte[] csv, int line, string reason)
    {
        File.WriteAllBytes(_dir.File("bad.csv"), csv);

        var r = FedCtl("list", "pack", "--in", _dir.File("bad.csv"), "--list", "ncii-2026", "--origin", "kr-knpa", "--version", "1", "--out", _dir.File("release.bin"));

        Assert.Equal(1, r.Exit);
        Assert.StartsWith($"fedctl: {_dir.File("bad.csv")} line {line}: ", r.Err);
        Assert.Contains(reason, r.Err);
        Assert.Equal(["bad.csv"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failed_pack_leaves_an_existing_output_as_it_was()
    {
        File.WriteAllText(_dir.File("release.bin"), "previous content");
        var bad = Csv("bad.csv", $"md5,{Md5},CSAM\n");

        var r = FedCtl("list", "pack", "--in", bad, "--list", "ncii-2026", "--origin", "kr-knpa", "--version", "1", "--out", _dir.File("release.bin"));

        Assert.Equal(1, r.Exit);
        Assert.Contains("line 2: 'CSAM' is not a classification", r.Err);
        Assert.Equal("previous content", File.ReadAllText(_dir.File("release.bin")));
    }

    [Fact]
    public void Pack_requires_the_previous_release_for_a_later_version()
    {
        var r = FedCtl("list", "pack", "--in", SomeCsv(), "--list", "ncii-2026", "--origin", "kr-knpa", "--version", "2", "--out", _dir.File("release.bin"));
        Assert.Equal(1, r.Exit);
        Assert.Contains("--previous <prev.bin> is required for version 2", r.Err);
    }

    [Fact]
    public void Pack_refuses_a_version_not_above_the_previous_release()
    {
        var v1 = Pack(SomeCsv(), 1, "v1.bin");
        var r = FedCtl("list", "pack", "--in", SomeCsv(), "--list", "ncii-2026", "--origin", "kr-knpa", "--version", "1", "--previous", v1, "--out", _dir.File("v1b.bin"));
        Assert.Equal(1, r.Exit);
        Assert.Contains("--version 1 is not greater than version 1", r.Err);
    }

    [Fact]
    public void Sign_refuses_a_certificate_of_another_node_than_the_release_origin()
    {
        var release = Pack(SomeCsv(), 1, "release.bin");
        var fr = TestPki.DevPath(TestPki.Fr, "") + Path.DirectorySeparatorChar;

        var r = FedCtl("list", "sign", "--release", release, "--cert", fr + "node-signing.crt", "--key", fr + "node-signing.key", "--out", _dir.File("release.p7s"));

        Assert.Equal(1, r.Exit);
        Assert.Contains("names fr-ofmin, but the release's origin is kr-knpa", r.Err);
        Assert.False(File.Exists(_dir.File("release.p7s")));
    }

    [Fact]
    public void Pack_takes_an_ISO_8601_expiry_audience_and_TLP()
    {
        var release = Pack(SomeCsv(), 1, "release.bin", "--expires", "2036-01-01T00:00:00Z", "--audience", "nl-police,fr-ofmin", "--tlp", "amber+strict");

        var r = FedCtl("list", "show", release);

        Assert.Contains("expires    2036-01-01T00:00:00Z", r.Out);
        Assert.Contains("audience   fr-ofmin,nl-police", r.Out);
        Assert.Contains("tlp        TLP:AMBER+STRICT", r.Out);
    }

    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        new Random(11).NextBytes(bytes);
        return bytes;
    }
}

using System.Text;
using Federation.Auditor.Tests.Support;
using Federation.Core.Pki;

namespace Federation.Auditor.Tests.Descriptors;

public sealed class DescriptorCommandTests : IDisposable
{
    private readonly AgencyFiles _kr = new();

    public void Dispose() => _kr.Dispose();

    [Fact]
    public void Verifies_a_signed_descriptor_and_prints_one_line()
    {
        var file = _kr.Write("kr-knpa.p7s");

        var run = Fedaudit.Run("descriptor", file, "--ca", _kr.CaPath, "--node", "kr-knpa");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"ok: kr-knpa \"{AgencyFiles.DisplayName}\" signed by {_kr.Signing.Subject}", run.OneLineOutput());
    }

    [Fact]
    public void Options_may_come_before_the_file()
    {
        var file = _kr.Write("kr-knpa.p7s");

        var run = Fedaudit.Run("descriptor", "--node", "kr-knpa", "--ca", _kr.CaPath, file);

        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void Refuses_a_descriptor_with_one_byte_changed()
    {
        var envelope = _kr.Envelope(_kr.Descriptor());
        var at = envelope.AsSpan().IndexOf(Encoding.UTF8.GetBytes(AgencyFiles.DisplayName));
        Assert.True(at > 0);
        envelope[at] ^= 0x01;
        var file = _kr.Write("tampered.p7s", envelope);

        var run = Fedaudit.Run("descriptor", file, "--ca", _kr.CaPath, "--node", "kr-knpa");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("signature-invalid: ", run.OneLineError(), StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_descriptor_checked_against_a_rogue_ca_with_the_same_name()
    {
        using var rogue = new AgencyFiles();
        var file = _kr.Write("kr-knpa.p7s");

        var run = Fedaudit.Run("descriptor", file, "--ca", rogue.CaPath, "--node", "kr-knpa");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"{RejectionReasons.ChainUntrusted}: ", run.OneLineError(), StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_descriptor_of_another_node()
    {
        var file = _kr.Write("kr-knpa.p7s");

        var run = Fedaudit.Run("descriptor", file, "--ca", _kr.CaPath, "--node", "fr-ofmin");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("signer-not-origin: ", run.OneLineError(), StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_descriptor_that_names_another_node_than_its_signer()
    {
        var file = _kr.Write("lying.p7s", _kr.Envelope(_kr.Descriptor(nodeId: "fr-ofmin")));

        var run = Fedaudit.Run("descriptor", file, "--ca", _kr.CaPath, "--node", "kr-knpa");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("descriptor-names-another-node: ", run.OneLineError(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verifies_at_the_current_time_so_an_expired_signer_is_refused()
    {
        var file = _kr.Write("kr-knpa.p7s");

        var run = Fedaudit.RunAt(Fedaudit.Now.AddDays(91), "descriptor", file, "--ca", _kr.CaPath, "--node", "kr-knpa");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"{RejectionReasons.NotTimeValid}: ", run.OneLineError(), StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_file_that_is_not_an_envelope()
    {
        var file = _kr.Write("garbage.p7s", "{\"nodeId\":\"kr-knpa\"}"u8.ToArray());

        var run = Fedaudit.Run("descriptor", file, "--ca", _kr.CaPath, "--node", "kr-knpa");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("envelope-malformed: ", run.OneLineError(), StringComparison.Ordinal);
    }

    [Fact]
    public void Prints_control_characters_of_a_display_name_escaped()
    {
        var file = _kr.Write("odd.p7s", _kr.Envelope(_kr.Descriptor(displayName: "Police\n\u001b[2JAgency")));

        var run = Fedaudit.Run("descriptor", file, "--ca", _kr.CaPath, "--node", "kr-knpa");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("ok: kr-knpa \"Police\\u000a\\u001b[2JAgency\" signed by ", run.OneLineOutput(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_a_missing_descriptor_file()
    {
        var run = Fedaudit.Run("descriptor", _kr["missing.p7s"], "--ca", _kr.CaPath, "--node", "kr-knpa");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"input-unreadable: {_kr["missing.p7s"]}: ", run.OneLineError(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_a_missing_ca_file()
    {
        var file = _kr.Write("kr-knpa.p7s");

        var run = Fedaudit.Run("descriptor", file, "--ca", _kr["missing.crt"], "--node", "kr-knpa");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"input-unreadable: {_kr["missing.crt"]}: no such file", run.OneLineError());
    }

    [Fact]
    public void Reports_a_ca_file_that_holds_no_certificate()
    {
        var file = _kr.Write("kr-knpa.p7s");
        File.WriteAllText(_kr["not-a-ca.crt"], "hello\n");

        var run = Fedaudit.Run("descriptor", file, "--ca", _kr["not-a-ca.crt"], "--node", "kr-knpa");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"ca-unreadable: {_kr["not-a-ca.crt"]}: ", run.OneLineError(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_ca_is_a_usage_error()
    {
        var file = _kr.Write("kr-knpa.p7s");

        var run = Fedaudit.Run("descriptor", file, "--node", "kr-knpa");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("--ca is required", run.OneLineError());
    }

    [Fact]
    public void A_missing_node_is_a_usage_error()
    {
        var file = _kr.Write("kr-knpa.p7s");

        var run = Fedaudit.Run("descriptor", file, "--ca", _kr.CaPath);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("--node is required", run.OneLineError());
    }

    [Fact]
    public void A_missing_file_argument_is_a_usage_error()
    {
        var run = Fedaudit.Run("descriptor", "--ca", _kr.CaPath, "--node", "kr-knpa");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("<file.p7s> is required", run.OneLineError());
    }

    [Fact]
    public void Two_file_arguments_are_a_usage_error()
    {
        var file = _kr.Write("kr-knpa.p7s");

        var run = Fedaudit.Run("descriptor", file, file, "--ca", _kr.CaPath, "--node", "kr-knpa");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("one <file.p7s> expected, got 2", run.OneLineError());
    }

    [Fact]
    public void A_malformed_node_id_is_a_usage_error()
    {
        var file = _kr.Write("kr-knpa.p7s");

        var run = Fedaudit.Run("descriptor", file, "--ca", _kr.CaPath, "--node", "KR");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("--node: 'KR' is not a valid node id", run.OneLineError());
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error()
    {
        var file = _kr.Write("kr-knpa.p7s");

        var run = Fedaudit.Run("descriptor", file, "--ca", _kr.CaPath, "--node", "kr-knpa", "--insecure", "yes");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("unknown option --insecure", run.OneLineError());
    }
}

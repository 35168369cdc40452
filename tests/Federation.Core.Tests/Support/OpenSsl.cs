using System.Diagnostics;

namespace Federation.Core.Tests.Support;

/// <summary>Runs the openssl command line, which acceptance checks use to verify our CMS signatures.</summary>
internal static class OpenSsl
{
    public static bool Available { get; } = Probe();

    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static bool Probe()
    {
        try
        {
            return Run("version").ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

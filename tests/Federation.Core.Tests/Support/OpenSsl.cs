using System.Diagnostics;

namespace Federation.Tests.Support;

/// <summary>Runs the openssl command line, which acceptance checks use to verify our CMS signatures.</summary>
public static class OpenSsl
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

/// <summary>A fact that is skipped, with the reason shown, when openssl is not installed.</summary>
public sealed class OpenSslFactAttribute : FactAttribute
{
    public OpenSslFactAttribute()
    {
        if (!OpenSsl.Available) Skip = "openssl is not on PATH: the OpenSSL interoperability check did not run";
    }
}

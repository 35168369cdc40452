using System.Globalization;

namespace Federation.Auditor.Verify;

/// <summary><c>fedaudit verify &lt;dir&gt; --trust &lt;dir&gt; [--quorum k]</c>.</summary>
internal static class VerifyCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        string? bundle = null, trust = null;
        var quorum = 0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--trust" when i + 1 < args.Length:
                    trust = args[++i];
                    break;
                case "--quorum" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out quorum))
                        return Auditor.UsageError(stderr, $"--quorum: '{args[i]}' is not a whole number");
                    break;
                case var a when !a.StartsWith("--", StringComparison.Ordinal) && bundle is null:
                    bundle = a;
                    break;
                default:
                    return Auditor.UsageError(stderr, $"unexpected argument '{args[i]}'");
            }
        }
        if (bundle is null || trust is null) return Auditor.UsageError(stderr, "verify needs a bundle directory and --trust <dir>");
        if (!Directory.Exists(bundle)) return Auditor.UsageError(stderr, $"{bundle} is not a directory");
        if (!Directory.Exists(trust)) return Auditor.UsageError(stderr, $"--trust: {trust} is not a directory");

        try
        {
            var report = new BundleVerifier(TrustDirectory.Load(trust), quorum, time, stdout).Verify(bundle);
            stdout.WriteLine($"OK: {report}");
            return 0;
        }
        catch (AuditFailure failure)
        {
            stderr.WriteLine(failure.Reason is { } reason ? $"fedaudit: FAILED: {reason}: {failure.Message}" : $"fedaudit: FAILED: {failure.Message}");
            return 1;
        }
    }
}

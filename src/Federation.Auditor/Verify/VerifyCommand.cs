namespace Federation.Auditor.Verify;

/// <summary><c>fedaudit verify &lt;dir&gt; --trust &lt;dir&gt; [--quorum k] [--fresh-since &lt;RFC 3339 time&gt;] [--witnessed &lt;dir&gt;]
/// [--report FILE.html]</c>. The report is written whether the bundle verifies or not; the exit code is the same with or without it.</summary>
internal static class VerifyCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        var parsed = CheckArguments.Parse(args, "report", "witnessed");
        var (bundle, trust, quorum, freshSince) = (parsed.Target, parsed.Trust, parsed.Quorum, parsed.FreshSince);
        var (reportPath, witnessed) = (parsed.Option("report"), parsed.Option("witnessed"));
        if (bundle is null || trust is null) return Auditor.UsageError(stderr, "verify needs a bundle directory and --trust <dir>");
        if (!Directory.Exists(bundle)) return Auditor.UsageError(stderr, $"{bundle} is not a directory");
        if (!Directory.Exists(trust)) return Auditor.UsageError(stderr, $"--trust: {trust} is not a directory");
        if (freshSince is not null && quorum < 1) return Auditor.UsageError(stderr, "--fresh-since needs --quorum k (k >= 1): how many witnesses must have cosigned since then");
        if (witnessed is not null && !Directory.Exists(witnessed)) return Auditor.UsageError(stderr, $"--witnessed: {witnessed} is not a directory");

        var record = new Report.VerificationRecord(Path.GetFullPath(bundle), time.GetUtcNow(), quorum);
        int exit;
        try
        {
            var directory = TrustDirectory.Load(trust);
            record.Trusted(directory);
            // With --fresh-since the quorum is of fresh cosignatures (Freshness), not of any age.
            var verifier = new BundleVerifier(directory, freshSince is null ? quorum : 0, time, stdout) { Record = record };
            var summary = verifier.Verify(bundle);
            var witnessKeys = directory.WitnessKeys.ToList();
            if (freshSince is { } since) summary += "; " + Freshness.Check(verifier.Verified!, witnessKeys, quorum, since);
            if (witnessed is not null) summary += "; " + WitnessedViews.Check(witnessed, verifier.Verified!, witnessKeys);
            record.Succeeded(summary);
            stdout.WriteLine($"OK: {summary}");
            exit = 0;
        }
        catch (AuditFailure failure)
        {
            record.Failed(failure);
            stderr.WriteLine(failure.Reason is { } reason ? $"fedaudit: FAILED: {reason}: {failure.Message}" : $"fedaudit: FAILED: {failure.Message}");
            exit = 1;
        }
        return reportPath is null ? exit : WriteReport(record, reportPath, exit, stdout, stderr);
    }

    private static int WriteReport(Report.VerificationRecord record, string path, int exit, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            Report.HtmlReport.Write(record, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The verdict above stands; only the report is missing, and an auditor relying on it must notice.
            return Auditor.UsageError(stderr, $"--report: cannot write {path}: {e.Message}");
        }
        (exit == 0 ? stdout : stderr).WriteLine($"fedaudit: report written to {Path.GetFullPath(path)}");
        return exit;
    }
}

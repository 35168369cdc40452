namespace Federation.Auditor.Verify;

/// <summary><c>fedaudit proof &lt;file.tlog-proof&gt; --trust &lt;dir&gt; [--quorum k] [--fresh-since &lt;RFC 3339&gt;]</c>.</summary>
internal static class ProofCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        var parsed = CheckArguments.Parse(args);
        var (file, trust, quorum, freshSince) = (parsed.Target, parsed.Trust, parsed.Quorum, parsed.FreshSince);
        if (file is null || trust is null) return Auditor.UsageError(stderr, "proof needs a .tlog-proof file and --trust <dir>");
        if (!File.Exists(file)) return Auditor.UsageError(stderr, $"{file} is not a file");
        if (!Directory.Exists(trust)) return Auditor.UsageError(stderr, $"--trust: {trust} is not a directory");

        try
        {
            var v = new ProofVerifier(TrustDirectory.Load(trust), quorum, freshSince, time).Verify(file);
            var e = v.Extra.Entry;
            var c = v.Checkpoint.Checkpoint;
            var at = DateTimeOffset.UnixEpoch.AddTicks(e.TimestampMicros * TimeSpan.TicksPerMicrosecond);
            stdout.WriteLine($"log key: {v.KeySource}");
            stdout.WriteLine($"entry {e.Index} of {c.Origin}: kind {e.EventType}, stream {e.StreamKey}, time {at:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'}, event {e.EventId}");
            stdout.WriteLine($"signer: {v.Signer ?? "none (the entry records no signed envelope)"}");
            stdout.WriteLine($"OK: entry {e.Index} of {v.Extra.NodeId} is in its log at checkpoint size {c.Size} (root {c.RootHash}), " +
                $"cosigned by {v.Witnesses} trusted witnesses{(freshSince is { } s ? $" at or after {s:u}" : "")} (quorum {quorum})");
            return 0;
        }
        catch (AuditFailure failure)
        {
            stderr.WriteLine(failure.Reason is { } reason ? $"fedaudit: FAILED: {reason}: {failure.Message}" : $"fedaudit: FAILED: {failure.Message}");
            return 1;
        }
    }
}

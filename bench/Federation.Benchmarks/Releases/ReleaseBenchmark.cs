using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Pki;
using Federation.Core.Releases;

namespace Federation.Benchmarks.Releases;

/// <summary>
/// A release of a million mixed entries through the operator's path: CSV → pack (parse, external sort, encode,
/// hash) → sign → verify (stream, digest, full parse check, signature, chain) → parse. Several rounds in one process;
/// each phase shows wall time and the process's CPU time (the CPU figure holds up on a shared, busy machine).
/// Goals (issue 3): verify + parse ≥ 1M entries/s, peak memory &lt; 500 MB.
/// </summary>
public static class ReleaseBenchmark
{
    private static readonly NodeId Origin = NodeId.Parse("kr-knpa");

    public static async Task<int> RunAsync(string[] args)
    {
        var entries = Option(args, "--entries", 1_000_000);
        var rounds = Option(args, "--rounds", 3);
        var dir = Directory.CreateTempSubdirectory("fedbench-").FullName;
        try
        {
            var now = DateTimeOffset.UtcNow;
            using var ca = CertificateIssuer.CreateCa("CN=bench CA", now.AddDays(-1), now.AddYears(1));
            using var signer = new CertificateIssuer(ca).Issue(CertificateProfile.NodeSigning, "CN=bench signing", Origin.ToUri(), now.AddDays(-1), now.AddYears(1));
            var csv = Path.Combine(dir, "entries.csv");

            WriteCsv(csv, 20_000);
            await Round(dir, csv, 20_000, ca, signer); // JIT warm-up, not shown
            WriteCsv(csv, entries);
            Console.WriteLine($"{entries:N0} entries: 40% sha256, 30% md5, 30% pdq; 2% withdrawals; 6 labels. CSV {new FileInfo(csv).Length / 1e6:F1} MB. {Environment.ProcessorCount} CPUs, load average {LoadAverage()}.");
            Console.WriteLine("round  phase            wall s   cpu s   M entries/s (wall)");
            var results = new List<Dictionary<string, (double Wall, double Cpu)>>();
            for (var r = 1; r <= rounds; r++)
            {
                var (phases, summary, signatureLength) = await Round(dir, csv, entries, ca, signer);
                results.Add(phases);
                foreach (var (phase, (wall, cpu)) in phases)
                    Console.WriteLine($"{r,5}  {phase,-15} {wall,7:F2} {cpu,7:F2}   {(phase.StartsWith("sign", StringComparison.Ordinal) ? "" : (entries / wall / 1e6).ToString("F2", CultureInfo.InvariantCulture))}");
                if (r == 1)
                    Console.WriteLine($"       release {summary.Length / 1e6:F1} MB ({(double)summary.Length / entries:F1} bytes/entry), {summary.Added:N0} added, {summary.Withdrawn:N0} withdrawn; signature {signatureLength} B");
            }
            Console.WriteLine("best of rounds (wall):");
            foreach (var phase in results[0].Keys)
            {
                var best = results.Min(p => p[phase].Wall);
                Console.WriteLine($"  {phase,-15} {best,7:F2} s{(phase.StartsWith("sign", StringComparison.Ordinal) ? "" : $"   {entries / best / 1e6:F2} M entries/s")}");
            }
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            Console.WriteLine($"peak working set  {process.PeakWorkingSet64 / 1e6:F0} MB (whole process, all rounds; goal < 500 MB)");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(Dictionary<string, (double, double)> Phases, ReleaseSummary Summary, int SignatureLength)> Round(
        string dir, string csvPath, int entries, X509Certificate2 ca, X509Certificate2 signer)
    {
        var releasePath = Path.Combine(dir, "release.bin");
        var phases = new Dictionary<string, (double, double)>();
        var header = new ReleaseHeader(ListId.Parse("bench"), Origin, ReleaseVersion.First, null, DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow.AddDays(30), Audience.AllPeers, TlpLabel.Amber);

        ReleaseSummary summary = null!;
        await Measure(phases, "pack", async () =>
        {
            await using var csv = File.OpenRead(csvPath);
            await using var output = File.Create(releasePath);
            summary = await ReleasePacker.PackAsync(header, EntryCsv.ReadAsync(csv), output);
        });

        byte[] signature = [];
        await Measure(phases, "sign", async () =>
        {
            await using var release = File.OpenRead(releasePath);
            signature = await new EnvelopeSigner(signer, TimeProvider.System).SignDetachedAsync(FederationOids.HashListRelease, release);
        });
        phases["pack + sign"] = (phases["pack"].Item1 + phases["sign"].Item1, phases["pack"].Item2 + phases["sign"].Item2);

        await Measure(phases, "verify", async () =>
        {
            await using var release = File.OpenRead(releasePath);
            var check = await new ReleaseVerifier(TimeProvider.System).VerifyAsync(release, signature, new TrustAnchor(ca), Origin, null);
            if (!check.Accepted) throw new InvalidOperationException("the benchmark release was refused: " + check);
            check.Signer?.Dispose();
        });

        await Measure(phases, "parse", async () =>
        {
            long parsed = 0, checksum = 0;
            await using var release = File.OpenRead(releasePath);
            var reader = await ReleaseReader.OpenAsync(release);
            await foreach (var change in reader.ReadChangesAsync())
            {
                parsed++;
                checksum += change.Value.GetHashCode() ^ (change.Label?.Classification.Value.Length ?? 0);
            }
            if (parsed != entries) throw new InvalidOperationException($"parsed {parsed} of {entries} ({checksum})");
        });
        phases["verify + parse"] = (phases["verify"].Item1 + phases["parse"].Item1, phases["verify"].Item2 + phases["parse"].Item2);
        return (phases, summary, signature.Length);
    }

    private static async Task Measure(Dictionary<string, (double, double)> phases, string name, Func<Task> work)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await work();
        wall.Stop();
        process.Refresh();
        phases[name] = (wall.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>Deterministic input: 40% sha256, 30% md5, 30% pdq; 2% withdrawals; six labels.</summary>
    private static void WriteCsv(string path, int entries)
    {
        string[] labels = ["csam,KR-APCSA-11,", "csam,KR-APCSA-11,video", "ncii,,", "deepfake-ncii,,reviewed", "deepfake-ncii,\"Art. 11, para 2\",reviewed;video", "x-kr-grooming,,"];
        var random = new Random(42);
        Span<byte> value = stackalloc byte[32];
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        w.Write(EntryCsv.Header + "\n");
        for (var i = 0; i < entries; i++)
        {
            var kind = random.Next(10);
            var (signal, length) = kind < 4 ? ("sha256", 32) : kind < 7 ? ("md5", 16) : ("pdq", 32);
            random.NextBytes(value[..length]);
            w.Write(signal);
            w.Write(',');
            w.Write(Convert.ToHexStringLower(value[..length]));
            w.Write(',');
            w.Write(random.Next(50) == 0 ? EntryCsv.WithdrawMarker + ",," : labels[random.Next(labels.Length)]);
            w.Write('\n');
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}

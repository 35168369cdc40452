using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Federation.Core.Audit;
using Federation.Core.Envelopes;
using Federation.Core.Ledger;
using Federation.Core.Pki;

namespace Federation.Benchmarks.Ledger;

/// <summary>
/// <c>fedaudit verify</c> on a large bundle. The bundle is written here with the same Core types the node and the
/// export use (leaf encoding, canonical JSON digests, signed checkpoints, cosignatures, detached CMS envelopes by the
/// dev KR signing certificate), because filling a node with a million events and exporting it over HTTP measures
/// the node, not the verifier. The verifier then runs exactly as the command does (<c>Auditor.Run</c>).
/// </summary>
internal static class AuditVerifyBenchmark
{
    private const string Origin = "federation.node/bench/log";

    public static int Run(string[] args)
    {
        var entries = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var envelopeEvery = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
        var keep = args.Contains("--keep");
        var root = Directory.CreateTempSubdirectory("fed-audit-bench-").FullName;
        var bundle = Path.Combine(root, "bundle");
        var trust = Path.Combine(root, "trust");
        try
        {
            var write = Stopwatch.StartNew();
            var envelopes = Write(bundle, trust, entries, envelopeEvery);
            write.Stop();
            var bytes = Directory.EnumerateFiles(bundle, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            Console.WriteLine($"bundle: {entries:N0} entries ({envelopes:N0} with a signed release envelope), {bytes / 1e6:N0} MB, written in {write.Elapsed.TotalSeconds:N1} s");

            for (var round = 1; round <= 3; round++)
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var stderr = new StringWriter();
                var exit = Federation.Auditor.Auditor.Run(["verify", bundle, "--trust", trust, "--quorum", "2"], TextWriter.Null, stderr, TimeProvider.System);
                clock.Stop();
                var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                if (exit != 0) throw new InvalidOperationException("the benchmark's own bundle did not verify: " + stderr);
                Console.WriteLine($"round {round}: fedaudit verify {clock.Elapsed.TotalSeconds:N2} s wall, {used.TotalSeconds:N2} s CPU " +
                    $"({entries / clock.Elapsed.TotalSeconds:N0} entries/s); peak working set so far {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:N0} MB");
            }
            if (keep) Console.WriteLine($"kept: {bundle} (trust: {trust}); time the command itself with /usr/bin/time -v dotnet src/Federation.Auditor/bin/Release/net10.0/fedaudit.dll verify {bundle} --trust {trust} --quorum 2");
            return 0;
        }
        finally
        {
            if (!keep) Directory.Delete(root, recursive: true);
        }
    }

    private static int Write(string bundle, string trust, int count, int envelopeEvery)
    {
        Directory.CreateDirectory(Path.Combine(bundle, AuditBundle.BlobsFolder));
        Directory.CreateDirectory(trust);
        var (logSecret, logPublic) = Ed25519NoteSigner.GenerateKey(Origin);
        using var logKey = Ed25519NoteSigner.Parse(logSecret);
        File.WriteAllText(Path.Combine(trust, "log.vkey"), logPublic + "\n");
        var witnesses = new List<CosignatureV1Signer>();
        foreach (var name in new[] { "federation.node/fr/witness", "federation.node/nl/witness" })
        {
            var (secret, verifier) = CosignatureV1Signer.GenerateKey(name);
            witnesses.Add(CosignatureV1Signer.Parse(secret));
            File.WriteAllText(Path.Combine(trust, name.Split('/')[1] + "-witness.vkey"), verifier + "\n");
        }
        var certs = Path.Combine(RepoRoot(), "certs-dev", "kr-knpa");
        File.Copy(Path.Combine(certs, "ca.crt"), Path.Combine(trust, "kr-knpa.crt"));
        using var signingCert = PemFiles.LoadWithKey(Path.Combine(certs, "node-signing.crt"), Path.Combine(certs, "node-signing.key"));
        var signer = new EnvelopeSigner(signingCert, TimeProvider.System);

        var range = CompactRange.Empty;
        var completed = new List<StoredNode>(64);
        var checkpoints = new List<string>();
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var envelopes = 0;
        using (var writer = new StreamWriter(Path.Combine(bundle, AuditBundle.EntriesFile), false, new UTF8Encoding(false), 1 << 20))
        {
            for (var i = 0; i < count; i++)
            {
                var at = start.AddTicks(i * 10L);
                var id = Guid.NewGuid();
                var json = $$"""{"caseId":"case-{{i % 5000}}","note":"a note of sixty characters or so, about what was done today.","amount":{{i % 977}}.5,"at":"{{at:O}}"}""";
                byte[]? signed = null;
                AuditEnvelope? envelope = null;
                if (envelopeEvery > 0 && i % envelopeEvery == envelopeEvery - 1)
                {
                    var content = Encoding.UTF8.GetBytes($"release {i}: the bytes of a signed hash-list release\n");
                    var cms = signer.SignDetached(FederationOids.HashListRelease, content);
                    signed = SHA256.HashData(content);
                    var blob = Convert.ToHexStringLower(SHA256.HashData(cms));
                    File.WriteAllBytes(Path.Combine(bundle, AuditBundle.BlobsFolder, Convert.ToHexStringLower(signed)), content);
                    File.WriteAllBytes(Path.Combine(bundle, AuditBundle.BlobsFolder, blob), cms);
                    envelope = new AuditEnvelope(blob, "kr-knpa");
                    envelopes++;
                }
                var entry = LedgerEntry.Create((ulong)i, id, $"case:case-{i % 5000}", "case_noted", at, LedgerEntry.DataDigest(json), signed, signed is not null);
                var leaf = entry.LeafHash();
                completed.Clear();
                range = range.Append(leaf, completed);
                using var data = JsonDocument.Parse(json);
                writer.WriteLine(JsonSerializer.Serialize(new AuditEntry(entry.Index, id, entry.StreamKey, entry.EventType, entry.TimestampMicroseconds,
                    Convert.ToBase64String(entry.DataSha256), signed is null ? null : Convert.ToBase64String(signed), leaf.ToBase64(), data.RootElement, envelope), AuditBundle.Json));
                // A checkpoint every 100,000 entries and at the end, each cosigned by both witnesses.
                if ((i + 1) % 100_000 == 0 || i == count - 1)
                {
                    var checkpoint = Checkpoint.Create(Origin, (ulong)(i + 1), range.RootHash());
                    var signedCheckpoint = SignedCheckpoint.Sign(checkpoint, logKey)
                        .WithCosignatures(witnesses.Select(w => w.Cosign(checkpoint.Text, (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds())));
                    checkpoints.Add(JsonSerializer.Serialize(new AuditCheckpoint(checkpoints.Count + 1, DateTimeOffset.UtcNow, checkpoint.Size, signedCheckpoint.ToString()), AuditBundle.Json));
                }
            }
        }
        foreach (var w in witnesses) w.Dispose();
        File.WriteAllLines(Path.Combine(bundle, AuditBundle.CheckpointsFile), checkpoints, new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(bundle, AuditBundle.ManifestFile),
            JsonSerializer.Serialize(new AuditManifest(AuditBundle.Format, "kr-knpa", Origin, (ulong)count, "benchmark", DateTimeOffset.UtcNow), AuditBundle.Json));
        return envelopes;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Federation.sln"))) return dir.FullName;
        throw new InvalidOperationException("run from inside the repository: certs-dev/ is needed");
    }
}

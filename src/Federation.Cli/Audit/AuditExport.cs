using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.Pkcs;
using System.Text;
using System.Text.Json;
using Federation.Cli.Hosting;
using Federation.Core.Audit;
using Federation.Core.Descriptors;
using Federation.Core.Ledger;
using Federation.Core.Pki;

namespace Federation.Cli.Audit;

/// <summary>
/// Exports a node's log through its agency API (auditor role): the signed descriptor, every checkpoint with its
/// cosignatures, and every entry with its event's data up to the latest checkpoint, in pages. The bundle is
/// written as the node served it; nothing is checked here — that is <c>fedaudit verify</c>'s job, offline.
/// </summary>
internal static class AuditExport
{
    private const int Page = 1000;

    public static async Task<int> RunAsync(CliArgs a, TextWriter stdout, TimeProvider time)
    {
        var node = new Uri(a.Required("node").TrimEnd('/') + "/");
        var outDir = a.Required("out");
        var justification = a.Required("justification");
        using var http = Client(node, a.Required("cert"), a.Required("key"), a.Optional("ca"), time);
        http.DefaultRequestHeaders.Add("X-Justification", Uri.EscapeDataString(justification));
        Directory.CreateDirectory(outDir);

        var descriptor = await Get(http, "api/v1/log/descriptor", r => r.ReadAsByteArrayAsync());
        await File.WriteAllBytesAsync(Path.Combine(outDir, AuditBundle.DescriptorFile), descriptor);
        var nodeId = ClaimedNode(descriptor);

        var checkpoints = new List<AuditCheckpoint>();
        while (true)
        {
            var after = checkpoints.Count == 0 ? 0 : checkpoints[^1].Id;
            var page = await Get(http, $"api/v1/log/checkpoints?after={after}", r => r.ReadFromJsonAsync<List<AuditCheckpoint>>(AuditBundle.Json));
            if (page is not { Count: > 0 }) break;
            checkpoints.AddRange(page);
        }
        if (checkpoints.Count == 0) throw new CliException($"{node}: the node has signed no checkpoint yet; nothing to anchor an export on");
        var anchor = checkpoints[^1];
        var origin = SignedCheckpoint.Parse(anchor.Note).Checkpoint.Origin;
        stdout.WriteLine($"exporting {nodeId} ({origin}) up to its checkpoint #{anchor.Id}: {anchor.Size} entries, {checkpoints.Count} checkpoints");

        var envelopes = new List<(string Blob, string? SignedContent)>();
        await using (var entries = new StreamWriter(Path.Combine(outDir, AuditBundle.EntriesFile), false, new UTF8Encoding(false)))
        {
            for (ulong start = 0; start < anchor.Size; start += Page)
            {
                var end = Math.Min(start + Page, anchor.Size);
                using var doc = await Get(http, $"api/v1/log/entries?start={start}&end={end}", r => JsonDocument.ParseAsync(r.ReadAsStream()));
                var items = doc.RootElement.GetProperty("entries");
                // Written as served, gaps included: judging them is fedaudit's job, with the reason.
                if (items.GetArrayLength() != (int)(end - start))
                    stdout.WriteLine($"warning: asked for entries {start}-{end - 1}, the node served {items.GetArrayLength()}");
                foreach (var item in items.EnumerateArray())
                {
                    await entries.WriteLineAsync(item.GetRawText());
                    if (item.TryGetProperty("envelope", out var env) && env.ValueKind == JsonValueKind.Object && env.TryGetProperty("blob", out var blob)
                        && blob.GetString() is { } name)
                        envelopes.Add((name, item.TryGetProperty("envelopeSha256", out var digest) && digest.GetString() is { } d ? d : null));
                }
                stdout.WriteLine($"entries {end}/{anchor.Size}");
            }
        }
        await ExportBlobsAsync(http, Path.Combine(outDir, AuditBundle.BlobsFolder), envelopes, stdout);
        await File.WriteAllLinesAsync(Path.Combine(outDir, AuditBundle.CheckpointsFile),
            checkpoints.Select(c => JsonSerializer.Serialize(c, AuditBundle.Json)), new UTF8Encoding(false));
        var manifest = new AuditManifest(AuditBundle.Format, nodeId, origin, anchor.Size, node.ToString(), time.GetUtcNow());
        await File.WriteAllTextAsync(Path.Combine(outDir, AuditBundle.ManifestFile), JsonSerializer.Serialize(manifest, AuditBundle.Json) + "\n");
        stdout.WriteLine($"wrote {outDir}: check it offline with fedaudit verify {outDir} --trust <dir> (<node-id>.crt: each agency CA named after its node, <node-id>.crl, witness *.vkey)");
        return 0;
    }

    /// <summary>
    /// Every envelope the entries name, and the content of the detached ones (stored under its SHA-256, which is the
    /// digest the leaf commits to). Written as served: a blob whose bytes no longer match its name is for fedaudit to
    /// report, with the entry that names it.
    /// </summary>
    private static async Task ExportBlobsAsync(HttpClient http, string dir, List<(string Blob, string? SignedContent)> envelopes, TextWriter stdout)
    {
        Directory.CreateDirectory(dir);
        var done = 0;
        foreach (var (blob, signedContent) in envelopes)
        {
            if (!IsDigest(blob)) continue; // fedaudit names the entry; a path out of the bundle is never written
            var envelope = await FetchBlobAsync(http, dir, blob);
            if (signedContent is not null && IsDetached(envelope))
                await FetchBlobAsync(http, dir, Convert.ToHexStringLower(Convert.FromBase64String(signedContent)));
            if (++done % 100 == 0) stdout.WriteLine($"envelopes {done}/{envelopes.Count}");
        }
        stdout.WriteLine($"envelopes {done}/{envelopes.Count}");
    }

    private static async Task<byte[]> FetchBlobAsync(HttpClient http, string dir, string sha256)
    {
        var path = Path.Combine(dir, sha256);
        if (File.Exists(path)) return await File.ReadAllBytesAsync(path);
        var bytes = await Get(http, $"api/v1/log/blobs/{sha256}", r => r.ReadAsByteArrayAsync());
        await File.WriteAllBytesAsync(path + ".part", bytes);
        File.Move(path + ".part", path, overwrite: true);
        return bytes;
    }

    private static bool IsDigest(string s) => s.Length == 64 && s.All(char.IsAsciiHexDigitLower);

    private static bool IsDetached(byte[] envelope)
    {
        try
        {
            var cms = new SignedCms();
            cms.Decode(envelope);
            // SignedCms.Detached only echoes the constructor; a decoded detached envelope has no eContent.
            return cms.ContentInfo.Content.Length == 0;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false; // not CMS at all: fedaudit reports it
        }
    }

    internal static HttpClient Client(Uri node, string certPath, string keyPath, string? caPath, TimeProvider time)
    {
        var cert = PemFiles.LoadWithKey(certPath, keyPath);
        var ca = caPath is null ? null : new TrustAnchor(PemFiles.LoadCertificate(caPath));
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [cert],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => cert,
                RemoteCertificateValidationCallback = ca is null ? null : (_, presented, _, _) =>
                    presented is System.Security.Cryptography.X509Certificates.X509Certificate2 c && PinnedChain.Check(c, ca, time.GetUtcNow(), PinnedChain.ServerAuth).Accepted,
            },
        };
        return new HttpClient(handler) { BaseAddress = node, Timeout = TimeSpan.FromMinutes(2) };
    }

    internal static async Task<T> Get<T>(HttpClient http, string path, Func<HttpContent, Task<T>> read)
    {
        using var response = await http.GetAsync(path);
        if (!response.IsSuccessStatusCode)
            throw new CliException($"GET {http.BaseAddress}{path}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await read(response.Content);
    }

    /// <summary>The node id the descriptor claims; the auditor verifies the claim offline against the trusted CA.</summary>
    private static string ClaimedNode(byte[] envelope)
    {
        var cms = new SignedCms();
        cms.Decode(envelope);
        return NodeDescriptor.Decode(cms.ContentInfo.Content).NodeId;
    }
}

using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Federation.Core.Audit;
using Federation.Node.Hosting;
using Federation.Node.Peers;
using Federation.Node.Storage;
using Npgsql;

namespace Federation.Node.Ledger;

/// <summary>
/// Writes the audit bundle of <c>fedctl audit export</c> (<see cref="AuditBundle"/>) as one zip, for the console's
/// export button: the same files, the entries in the very JSON the auditor's API serves, so <c>fedaudit verify</c>
/// checks either the same way. Like <c>fedctl audit export</c> it is anchored on a checkpoint signed and cosigned for
/// it (<see cref="FreshCheckpoint"/>), so <c>fedaudit verify --fresh-since</c> applies. Written to a temporary file that
/// is deleted when closed, because a zip is written synchronously and a large log should not be held in memory.
/// </summary>
public sealed class AuditBundleWriter(LedgerLog log, LedgerCheckpoints checkpoints, FreshCheckpoint fresh, NodeDescriptorSource descriptor, NpgsqlDataSource db,
    NodeSettingsMonitor settings, TimeProvider time)
{
    /// <summary>The bundle up to a checkpoint signed and witnessed now, as a readable stream positioned at 0; null when
    /// no checkpoint is listed.</summary>
    /// <exception cref="LogSmallerThanSignedException">The log is smaller than a checkpoint already signed.</exception>
    public async Task<Stream?> WriteAsync(CancellationToken ct)
    {
        var anchorId = (await fresh.SignAndWitnessAsync(ct)).Checkpoint.Id;
        var all = new List<StoredCheckpoint>();
        while (all.Count == 0 || all[^1].Id < anchorId)
        {
            var page = await checkpoints.AllAsync(all.Count == 0 ? 0 : all[^1].Id, 1000, ct);
            if (page.Count == 0) break;
            all.AddRange(page);
        }
        // Anchored on the fresh checkpoint: one signed meanwhile carries no cosignature asked for now.
        all.RemoveAll(c => c.Id > anchorId);
        if (all.Count == 0) return null;
        var anchor = all[^1];
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            var envelopes = new List<string>();
            using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
            {
                Add(zip, AuditBundle.DescriptorFile, descriptor.Envelope());
                using (var entries = new StreamWriter(zip.CreateEntry(AuditBundle.EntriesFile, CompressionLevel.Fastest).Open(), new UTF8Encoding(false)))
                {
                    for (ulong start = 0; start < anchor.Size; start += LedgerApi.MaxPage)
                        foreach (var e in await log.EntriesAsync(start, Math.Min(start + LedgerApi.MaxPage, anchor.Size), withData: true, ct))
                        {
                            var view = LedgerApi.View(e, withData: true);
                            entries.WriteLine(JsonSerializer.Serialize(view, JsonSerializerOptions.Web));
                            if (view.Envelope is { } env)
                            {
                                envelopes.Add(env.Blob);
                                envelopes.Add(Convert.ToHexStringLower(e.Entry.EnvelopeSha256!));
                            }
                        }
                }
                Add(zip, AuditBundle.CheckpointsFile, Encoding.UTF8.GetBytes(string.Concat(all.Select(c =>
                    JsonSerializer.Serialize(new AuditCheckpoint(c.Id, c.SignedAt, c.Size, c.WithCosignatures().ToString()), AuditBundle.Json) + "\n"))));
                // Every envelope, and the content of the detached ones (an attached envelope's content digest names no blob).
                foreach (var sha in envelopes.Distinct())
                    if (await Blobs.GetAsync(db, settings.Current.Schema, sha, ct) is { } blob)
                        Add(zip, $"{AuditBundle.BlobsFolder}/{sha}", blob.Content);
                var manifest = new AuditManifest(AuditBundle.Format, settings.Current.NodeId.Value, anchor.Signed.Checkpoint.Origin, anchor.Size,
                    "console", time.GetUtcNow());
                Add(zip, AuditBundle.ManifestFile, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(manifest, AuditBundle.Json) + "\n"));
            }
            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using var s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        s.Write(bytes);
    }
}

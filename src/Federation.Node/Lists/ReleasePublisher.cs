using Federation.Core.Envelopes;
using Federation.Core.Releases;
using Federation.Node.Hosting;
using Federation.Node.Storage;
using Marten;
using Npgsql;

namespace Federation.Node.Lists;

/// <summary>
/// Publishes a release of one of this node's own lists from an uploaded CSV: the node assigns the next version,
/// chains it to the last release, packs it (bounded memory), signs it with its signing certificate, and stores the
/// blobs, the active entries, the feed item, the event and the list's new state in one transaction. A failure at any
/// step leaves nothing behind.
/// </summary>
public sealed class ReleasePublisher(NodeSettingsMonitor settings, IDocumentStore store, NpgsqlDataSource db, TimeProvider time)
{
    public sealed record Published(string Origin, string ListId, long Version, string Digest, string SignatureSha256, long Added, long Withdrawn, DateTimeOffset Expires);

    public async Task<Published> PublishAsync(ListId listId, Stream csv, TimeSpan lifetime, string by, CancellationToken ct)
    {
        var s = settings.Current;
        var origin = s.NodeId;
        var key = HashList.Key(origin.Value, listId.Value);
        HashList list;
        await using (var query = store.QuerySession())
            list = await query.LoadAsync<HashList>(key, ct) ?? throw new Refusal(404, "list-not-found", $"this node has no list '{listId}'; create it first");

        var created = time.GetUtcNow();
        var header = new ReleaseHeader(listId, origin, new ReleaseVersion(list.Version + 1),
            list.LastDigest is { } d ? ContentDigest.Parse(d) : null, created, created + lifetime, Audience.Parse(list.Audience), TlpLabel.Parse(list.Tlp));

        var temp = Path.Combine(Path.GetTempPath(), $"federation-release-{Guid.NewGuid():N}.bin");
        try
        {
            ReleaseSummary summary;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                try
                {
                    summary = await ReleasePacker.PackAsync(header, EntryCsv.ReadAsync(csv, ct), file, ct: ct);
                }
                catch (ReleaseFormatException e)
                {
                    throw new Refusal(400, "csv-invalid", e.Message);
                }
            }
            if (summary.Added == 0 && summary.Withdrawn == 0)
                throw new Refusal(400, "csv-empty", "the CSV holds no entries");

            var signature = new EnvelopeSigner(s.SigningCertificate, time).SignDetached(FederationOids.HashListRelease, summary.Digest);
            var signatureSha = ContentDigest.Of(signature).Hex;
            var content = await File.ReadAllBytesAsync(temp, ct);

            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx));
            // Serialise publishers of this list: the version read above must still be the last one.
            await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", conn, tx))
            {
                lockCmd.Parameters.Add(new NpgsqlParameter { Value = "list:" + key });
                await lockCmd.ExecuteNonQueryAsync(ct);
            }
            var current = await session.LoadAsync<HashList>(key, ct);
            if (current is null || current.Version != list.Version)
                throw new Refusal(409, "list-changed", $"another release of '{listId}' was published meanwhile; publish again");

            await Blobs.PutAsync(conn, tx, s.Schema, summary.Digest.Hex, "application/vnd.federation.release", content, ct);
            await Blobs.PutAsync(conn, tx, s.Schema, signatureSha, "application/pkcs7-signature", signature, ct);
            long active;
            await using (var release = new MemoryStream(content, writable: false))
                active = await ActiveEntries.ApplyAsync(conn, tx, s.Schema, summary, release, ct);
            var audience = header.Audience.IsAllPeers ? null : header.Audience.Peers.Select(p => p.Value).ToList();
            await FeedWriter.AppendAsync(conn, tx, s.Schema,
                new FeedItem("release", $"{key}/{header.Version}", origin.Value, audience, summary.Digest.Hex, signatureSha, content.Length), ct);

            var now = time.GetUtcNow();
            session.Events.Append(HashList.Stream(origin.Value, listId.Value), new ReleasePublished(origin.Value, listId.Value, header.Version.Value,
                summary.Digest.Hex, signatureSha, header.Previous?.Hex, summary.Added, summary.Withdrawn, content.Length, header.Expires,
                list.Audience, list.Tlp, by, now));
            session.Store(list with { Version = header.Version.Value, LastDigest = summary.Digest.Hex, Expires = header.Expires, ActiveEntries = active, Updated = now });
            await session.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new Published(origin.Value, listId.Value, header.Version.Value, summary.Digest.Hex, signatureSha, summary.Added, summary.Withdrawn, header.Expires);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}

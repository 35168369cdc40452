using System.Text.Json;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Node.Hosting;
using Federation.Node.Storage;
using Npgsql;

namespace Federation.Node.Messaging;

/// <summary>A message to send: its kind, a body type (e.g. "ops.note"), recipients and body; the id defaults to a new GUID.</summary>
public sealed record OutgoingMessage(MessageKind Kind, string Type, IReadOnlyList<NodeId> To, JsonElement Body, TimeSpan Lifetime, string? Id = null);

/// <summary>What was sent: the message id, the envelope's SHA-256 (its feed content address, named by receipts) and its feed position.</summary>
public sealed record SentMessage(string Kind, string Id, string EnvelopeSha256, long FeedPosition, DateTimeOffset Created, DateTimeOffset Expires);

/// <summary>
/// Sends a message in the caller's transaction: signs the document as an attached envelope with the node's signing
/// certificate, stores it as a blob, appends it to the feed with the recipients as audience, and (through the feed)
/// enqueues a push to every recipient. All of it commits or rolls back with the caller's own state change; the outbox
/// pump wakes at commit (a NOTIFY), and pull delivers it anyway.
/// </summary>
public sealed class MessageSender(NodeSettingsMonitor settings, TimeProvider time)
{
    public async Task<SentMessage> SendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, OutgoingMessage message, CancellationToken ct)
    {
        var s = settings.Current;
        if (message.To.Count == 0) throw new ArgumentException("a message needs at least one recipient", nameof(message));
        foreach (var to in message.To)
            if (!s.Peers.ContainsKey(to)) throw new ArgumentException($"{to} is not a configured peer", nameof(message));
        var created = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var doc = new MessageDocument(MessageDocument.CurrentVersion, message.Kind.Name, message.Id ?? Guid.NewGuid().ToString("N"), s.NodeId.Value,
            message.To.Select(t => t.Value).Distinct(StringComparer.Ordinal).ToList(), created, created + message.Lifetime, message.Type, message.Body);
        var json = doc.ToUtf8();
        // Parse our own output: a message we could not read back, no peer could either.
        MessageDocument.Parse(json);
        var envelope = new EnvelopeSigner(s.SigningCertificate, time).SignAttached(message.Kind.ContentType, json);
        var sha = ContentDigest.Of(envelope).Hex;
        await Blobs.PutAsync(conn, tx, s.Schema, sha, MessageHandler.MediaType, envelope, ct);
        var position = await FeedWriter.AppendAsync(conn, tx, s.Schema, new FeedItem(doc.Kind, doc.Id, doc.From, doc.To, sha, null, envelope.Length), ct);
        return new SentMessage(doc.Kind, doc.Id, sha, position, doc.Created, doc.Expires);
    }
}

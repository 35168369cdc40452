using System.Text.Json;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Pki;
using Federation.Node.Messaging;
using Federation.Node.Sync;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Federation.Node.Tests.Support;

/// <summary>Test steps on messages and pushes: send as a node, deliver its outbox, build envelopes and inbox bodies by hand.</summary>
public static class PushSteps
{
    /// <summary>Sends a generic message from <paramref name="from"/> in its own transaction, as a feature would.</summary>
    public static async Task<SentMessage> SendAsync(TestNode from, params TestNode[] to)
    {
        var s = from.Services;
        await using var conn = await s.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var sent = await s.GetRequiredService<MessageSender>().SendAsync(conn, tx, new OutgoingMessage(MessageKind.Message, "test.note",
            [.. to.Select(t => NodeId.Parse(t.NodeId))], JsonSerializer.SerializeToElement(new { text = "urgent", at = DateTimeOffset.UtcNow }), TimeSpan.FromDays(1)), default);
        await tx.CommitAsync();
        return sent;
    }

    public static Task<OutboxDelivery.Round> DeliverAsync(TestNode from, TestNode to, bool force = true) =>
        from.Services.GetRequiredService<OutboxDelivery>().DeliverAsync(NodeId.Parse(to.NodeId), force, CancellationToken.None);

    /// <summary>A message document signed with the dev signing key of <paramref name="signer"/> (not necessarily its <c>from</c>).</summary>
    public static byte[] Envelope(string signer, MessageDocument doc, string contentType = FederationOids.Message)
    {
        using var key = PemFiles.LoadWithKey(Repo.CertsDev(signer, "node-signing.crt"), Repo.CertsDev(signer, "node-signing.key"));
        return new EnvelopeSigner(key, TimeProvider.System).SignAttached(contentType, doc.ToUtf8());
    }

    public static MessageDocument Document(string from, params string[] to) =>
        new(MessageDocument.CurrentVersion, "message", Guid.NewGuid().ToString("N"), from, to, DateTimeOffset.UtcNow.AddSeconds(-1),
            DateTimeOffset.UtcNow.AddDays(1), "test.note", JsonSerializer.SerializeToElement(new { text = "hand-made" }));

    /// <summary>An inbox body for <paramref name="envelope"/>, its feed entry naming <paramref name="origin"/> and the envelope's true digest.</summary>
    public static InboxApi.InboxRequest Request(byte[] envelope, MessageDocument doc, string origin, long position = 1_000_000) =>
        new(new FeedApi.FeedEntry(position, doc.Kind, doc.Id, origin, ContentDigest.Of(envelope).Hex, null, envelope.Length, DateTimeOffset.UtcNow), envelope, null);

    public static Task<long> CountAsync(TestNode node, string sql, params object[] args) => ListSteps.ScalarAsync(node, sql, args);
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Pki;
using Federation.Node.Messaging;
using Federation.Node.Sync;
using Federation.Node.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary>
/// Push between three real nodes: a message goes to its recipients' inboxes with a signed receipt back, the later pull
/// copy is a duplicate, a recipient that is down gets it when back, and every push that is not exactly right is refused
/// with its reason and applies nothing.
/// </summary>
public sealed class PushTests(ThreeNodes nodes) : IClassFixture<ThreeNodes>
{
    [Fact]
    public async Task A_pushed_message_arrives_within_seconds_with_a_signed_receipt_stored_on_the_sender_and_the_pull_copy_is_a_duplicate()
    {
        var clock = Stopwatch.StartNew();
        var sent = await PushSteps.SendAsync(nodes.Kr, nodes.Fr);
        var round = await PushSteps.DeliverAsync(nodes.Kr, nodes.Fr);
        clock.Stop();

        Assert.Equal(1, round.Delivered);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"send to receipt took {clock.Elapsed}");
        Assert.Equal(1, await PushSteps.CountAsync(nodes.Fr, "SELECT count(*) FROM fed.mt_events WHERE type = 'message_received' AND data->>'Id' = $1 AND data->>'Via' = 'push'", sent.Id));

        // The receipt is held by the sender, in its ledger, signed by fr-ofmin and naming the pushed envelope.
        PushReceiptStored? stored;
        await using (var query = nodes.Kr.Services.GetRequiredService<IDocumentStore>().QuerySession())
            stored = await Outbox.FindReceiptAsync(query, "message", sent.Id, NodeId.Parse("fr-ofmin"), default);
        Assert.NotNull(stored);
        Assert.Equal(sent.EnvelopeSha256, stored.ContentSha256);
        var receipt = (byte[])(await ReadBlob(nodes.Kr, stored.ReceiptSha256));
        var check = new EnvelopeVerifier(TimeProvider.System).VerifyAttached(receipt,
            new EnvelopePolicy(FederationOids.Receipt, NodeId.Parse("fr-ofmin"), new TrustAnchor(PemFiles.LoadCertificate(Repo.CertsDev("fr-ofmin", "ca.crt")))));
        Assert.True(check.Accepted, check.ToString());
        using (var doc = JsonDocument.Parse(check.Content))
        {
            Assert.Equal("kr-knpa", doc.RootElement.GetProperty("sender").GetString());
            Assert.Equal(sent.EnvelopeSha256, doc.RootElement.GetProperty("sha256").GetString());
            Assert.Equal(stored.ReceivedAt, doc.RootElement.GetProperty("received").GetDateTimeOffset());
        }
        Assert.Equal(0, await PushSteps.CountAsync(nodes.Kr, "SELECT count(*) FROM fed.outbox WHERE delivered IS NULL AND recipient = 'fr-ofmin'"));

        // Pull brings the same item again: recorded as a duplicate, applied once. NL, not a recipient, never sees it.
        var pull = await ListSteps.PullAsync(nodes.Fr, nodes.Kr);
        Assert.Equal("ok", pull.Status);
        Assert.Equal(0, pull.Quarantined);
        Assert.Equal(1, await PushSteps.CountAsync(nodes.Fr, "SELECT count(*) FROM fed.mt_events WHERE type = 'message_received' AND data->>'Id' = $1", sent.Id));
        Assert.Equal(1, await PushSteps.CountAsync(nodes.Fr, "SELECT duplicates FROM fed.received_items WHERE content_sha256 = $1", sent.EnvelopeSha256));
        await ListSteps.PullAsync(nodes.Nl, nodes.Kr);
        Assert.Equal(0, await PushSteps.CountAsync(nodes.Nl, "SELECT count(*) FROM fed.received_items WHERE content_sha256 = $1", sent.EnvelopeSha256));

        // Pushing it once more (the receipt lost on the way, say) gets a receipt with the first receive time, and applies nothing.
        using var kr = Clients.DevNodeClient("kr-knpa", nodes.Fr);
        var envelope = (byte[])(await ReadBlob(nodes.Kr, sent.EnvelopeSha256));
        using var again = await kr.PostAsJsonAsync("federation/v1/inbox", new InboxApi.InboxRequest(
            new FeedApi.FeedEntry(sent.FeedPosition, "message", sent.Id, "kr-knpa", sent.EnvelopeSha256, null, envelope.Length, sent.Created), envelope, null));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var second = PushReceipt.Verify(await again.Content.ReadAsByteArrayAsync(), NodeId.Parse("fr-ofmin"),
            new TrustAnchor(PemFiles.LoadCertificate(Repo.CertsDev("fr-ofmin", "ca.crt"))),
            new PushReceipt(1, "fr-ofmin", "kr-knpa", "message", sent.Id, sent.FeedPosition, sent.EnvelopeSha256, default), TimeProvider.System);
        Assert.True(second.Accepted, second.Detail);
        Assert.Equal(stored.ReceivedAt, second.Receipt!.Received);
        Assert.Equal(1, await PushSteps.CountAsync(nodes.Fr, "SELECT count(*) FROM fed.mt_events WHERE type = 'message_received' AND data->>'Id' = $1", sent.Id));
    }

    [Fact]
    public async Task A_message_to_a_recipient_that_is_down_is_retried_with_backoff_and_delivered_when_it_is_back()
    {
        await nodes.Nl.StopAsync();
        SentMessage sent;
        try
        {
            sent = await PushSteps.SendAsync(nodes.Kr, nodes.Nl);
            var first = await PushSteps.DeliverAsync(nodes.Kr, nodes.Nl, force: false);
            Assert.Equal(0, first.Delivered);
            Assert.Equal(1, first.Failed);
            // Backing off: not tried again at once.
            var soon = await PushSteps.DeliverAsync(nodes.Kr, nodes.Nl, force: false);
            Assert.Equal(0, soon.Failed + soon.Delivered);
            await PushSteps.DeliverAsync(nodes.Kr, nodes.Nl, force: true);
            Assert.Equal(2, await PushSteps.CountAsync(nodes.Kr, "SELECT attempts FROM fed.outbox WHERE recipient = 'nl-police' AND delivered IS NULL"));
            // The second failure waits twice as long as the first.
            Assert.Equal(2, await PushSteps.CountAsync(nodes.Kr,
                "SELECT round(extract(epoch FROM next_attempt - last_attempt)) FROM fed.outbox WHERE recipient = 'nl-police' AND delivered IS NULL"));

            // Operators see it: pending pushes, the oldest one's age and the last error, on the API and as metrics.
            using var op = Clients.DevPerson("kr-knpa", "operator", nodes.Kr);
            using var peers = JsonDocument.Parse(await op.GetStringAsync("api/v1/peers"));
            var nl = peers.RootElement.EnumerateArray().Single(p => p.GetProperty("nodeId").GetString() == "nl-police").GetProperty("outbox");
            Assert.Equal(1, nl.GetProperty("pending").GetInt64());
            Assert.True(nl.GetProperty("oldestPendingSeconds").GetDouble() >= 0);
            Assert.False(string.IsNullOrEmpty(nl.GetProperty("lastError").GetString()));
            using var local = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{nodes.Kr.HealthPort}/") };
            var metrics = await local.GetStringAsync("metrics");
            Assert.Contains("federation_peer_outbox_pending{peer=\"nl-police\"} 1\n", metrics, StringComparison.Ordinal);
            Assert.Contains("federation_peer_outbox_failing{peer=\"nl-police\"} 1\n", metrics, StringComparison.Ordinal);
        }
        finally
        {
            await nodes.Nl.StartAsync();
        }

        // Once its back-off has run out, the next round delivers it (bounded: the back-off is 2 s by now).
        OutboxDelivery.Round round = new("nl-police", 0, 0, null);
        for (var i = 0; i < 40 && round.Delivered == 0; i++)
        {
            await Task.Delay(250);
            round = await PushSteps.DeliverAsync(nodes.Kr, nodes.Nl, force: false);
        }
        Assert.Equal(1, round.Delivered);
        Assert.Equal(1, await PushSteps.CountAsync(nodes.Nl, "SELECT count(*) FROM fed.mt_events WHERE type = 'message_received' AND data->>'Id' = $1", sent.Id));
        Assert.Equal(0, await PushSteps.CountAsync(nodes.Kr, "SELECT count(*) FROM fed.outbox WHERE recipient = 'nl-police' AND delivered IS NULL"));
    }

    [Fact]
    public async Task Messages_pulled_in_one_page_are_each_applied_once_and_each_in_the_ledger_with_its_signed_digest()
    {
        // Three messages to nl-police, not pushed: one pull page carries them all, flushed item by item in one transaction.
        var sent = new[] { await PushSteps.SendAsync(nodes.Fr, nodes.Nl), await PushSteps.SendAsync(nodes.Fr, nodes.Nl), await PushSteps.SendAsync(nodes.Fr, nodes.Nl) };

        var pull = await ListSteps.PullAsync(nodes.Nl, nodes.Fr);

        Assert.Equal(("ok", 3, 0), (pull.Status, pull.Applied, pull.Quarantined));
        var rows = await LedgerRows.ReadAsync(nodes.Nl);
        Assert.Equal(rows.EventCount, rows.Leaves.Count);
        foreach (var m in sent)
        {
            var leaf = Assert.Single(rows.Leaves, l => l.EventType == "message_received" && l.EventData.Contains(m.Id, StringComparison.Ordinal));
            Assert.NotNull(leaf.Entry.EnvelopeSha256); // the leaf commits to the signed document, not only to the event's JSON
        }
    }

    [Fact]
    public async Task A_push_to_a_node_outside_the_messages_audience_is_refused_and_applies_nothing()
    {
        var doc = PushSteps.Document("kr-knpa", "nl-police");
        var envelope = PushSteps.Envelope("kr-knpa", doc);

        await AssertRefused(Clients.DevNodeClient("kr-knpa", nodes.Fr), PushSteps.Request(envelope, doc, "kr-knpa"), HttpStatusCode.Forbidden, "not-in-audience", doc.Id);
    }

    [Fact]
    public async Task A_push_by_a_peer_that_is_not_the_origin_is_refused_and_applies_nothing()
    {
        // kr-knpa's genuine message to fr-ofmin, pushed by nl-police.
        var doc = PushSteps.Document("kr-knpa", "fr-ofmin");
        var envelope = PushSteps.Envelope("kr-knpa", doc);

        await AssertRefused(Clients.DevNodeClient("nl-police", nodes.Fr), PushSteps.Request(envelope, doc, "kr-knpa"), HttpStatusCode.Forbidden, "origin-not-peer", doc.Id);
        // Claiming to be the origin does not help: the signer is kr-knpa, under kr-knpa's CA, not nl-police's.
        await AssertRefused(Clients.DevNodeClient("nl-police", nodes.Fr), PushSteps.Request(envelope, doc, "nl-police"), HttpStatusCode.Forbidden, RejectionReasons.ChainUntrusted, doc.Id);
    }

    [Fact]
    public async Task A_push_with_one_byte_of_the_signed_message_changed_is_refused_and_applies_nothing()
    {
        var doc = PushSteps.Document("kr-knpa", "fr-ofmin");
        var envelope = PushSteps.Envelope("kr-knpa", doc);
        var at = envelope.AsSpan().IndexOf("hand-made"u8);
        Assert.True(at > 0);
        envelope[at] ^= 0x01; // "iand-made": the feed entry names the changed bytes' digest, so only the signature can tell

        await AssertRefused(Clients.DevNodeClient("kr-knpa", nodes.Fr), PushSteps.Request(envelope, doc, "kr-knpa"), (HttpStatusCode)422, EnvelopeRejections.ContentDigestMismatch, doc.Id);
    }

    [Fact]
    public async Task A_push_whose_objects_do_not_match_its_feed_entry_is_refused()
    {
        var doc = PushSteps.Document("kr-knpa", "fr-ofmin");
        var envelope = PushSteps.Envelope("kr-knpa", doc);
        var request = PushSteps.Request(envelope, doc, "kr-knpa");
        request = request with { Item = request.Item with { ContentSha256 = new string('0', 64) } };

        await AssertRefused(Clients.DevNodeClient("kr-knpa", nodes.Fr), request, (HttpStatusCode)422, "object-digest-mismatch", doc.Id);
    }

    [Fact]
    public async Task A_push_signed_with_another_nodes_key_is_refused_and_applies_nothing()
    {
        // Says it is from kr-knpa and is pushed by kr-knpa, but nl-police's signing key signed it.
        var doc = PushSteps.Document("kr-knpa", "fr-ofmin");
        var envelope = PushSteps.Envelope("nl-police", doc);

        await AssertRefused(Clients.DevNodeClient("kr-knpa", nodes.Fr), PushSteps.Request(envelope, doc, "kr-knpa"), HttpStatusCode.Forbidden, RejectionReasons.ChainUntrusted, doc.Id);
    }

    [Fact]
    public async Task A_message_envelope_replayed_as_another_kind_is_refused()
    {
        var doc = PushSteps.Document("kr-knpa", "fr-ofmin");
        var envelope = PushSteps.Envelope("kr-knpa", doc, FederationOids.Receipt);

        await AssertRefused(Clients.DevNodeClient("kr-knpa", nodes.Fr), PushSteps.Request(envelope, doc, "kr-knpa"), (HttpStatusCode)422, EnvelopeRejections.ContentTypeNotOurs, doc.Id);
    }

    [Fact]
    public async Task A_push_larger_than_the_inbox_limit_is_refused_before_it_is_read()
    {
        using var kr = Clients.DevNodeClient("kr-knpa", nodes.Fr);
        // Expect: 100-continue lets the node answer before the body is sent, as a well-behaved sender would ask.
        kr.DefaultRequestHeaders.ExpectContinue = true;
        using var body = new ByteArrayContent(new byte[InboxApi.MaxBodyBytes + 1]);
        body.Headers.ContentType = new("application/json");
        using var response = await kr.PostAsync("federation/v1/inbox", body);
        Assert.Equal("inbox-too-large", await ProblemReason.Of(response, HttpStatusCode.RequestEntityTooLarge));
    }

    private async Task AssertRefused(HttpClient client, InboxApi.InboxRequest request, HttpStatusCode status, string reason, string messageId)
    {
        using (client)
        using (var response = await client.PostAsJsonAsync("federation/v1/inbox", request))
            Assert.Equal(reason, await ProblemReason.Of(response, status));
        Assert.Equal(0, await PushSteps.CountAsync(nodes.Fr, "SELECT count(*) FROM fed.mt_events WHERE type = 'message_received' AND data->>'Id' = $1", messageId));
        Assert.Equal(0, await PushSteps.CountAsync(nodes.Fr, "SELECT count(*) FROM fed.received_items WHERE item_id = $1", messageId));
        Assert.Equal(0, await PushSteps.CountAsync(nodes.Fr, "SELECT count(*) FROM fed.blobs WHERE sha256 = $1", request.Item.ContentSha256));
    }

    private static async Task<object> ReadBlob(TestNode node, string sha256)
    {
        await using var conn = new Npgsql.NpgsqlConnection(node.OwnerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT content FROM fed.blobs WHERE sha256 = $1", conn);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = sha256 });
        return (await cmd.ExecuteScalarAsync())!;
    }
}

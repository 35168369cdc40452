using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Pki;
using Federation.Core.Releases;
using Federation.Node.Tests.Support;
using Npgsql;

namespace Federation.Node.Tests;

/// <summary>
/// A peer that misbehaves: its database is edited behind its back (as a superuser, triggers disabled or constraints
/// dropped) so that it serves bad items. Each item is refused with its reason, quarantined, nothing of it applied,
/// and the sync goes on past it.
/// </summary>
public sealed class SyncRefusalTests(ThreeNodes nodes) : IClassFixture<ThreeNodes>
{
    [Fact]
    public async Task An_object_with_one_byte_changed_is_quarantined_and_not_applied()
    {
        await ListSteps.CreateAsync(nodes.Fr, "tampered", "all-peers");
        var digest = await ListSteps.PublishAsync(nodes.Fr, "tampered", ListSteps.Csv(ListSteps.Md5Row(1)));
        await Superuser(nodes.Fr, """
            ALTER TABLE fed.blobs DISABLE TRIGGER blobs_immutable;
            UPDATE fed.blobs SET content = overlay(content placing '\x00'::bytea from length(content) - 3 for 1) WHERE sha256 = $1;
            ALTER TABLE fed.blobs ENABLE TRIGGER blobs_immutable;
            """, digest);

        var outcome = await ListSteps.PullAsync(nodes.Kr, nodes.Fr);

        Assert.Equal("ok", outcome.Status);
        await AssertQuarantined(nodes.Kr, "fr-ofmin", digest, "object-digest-mismatch");
        Assert.Empty(await ListSteps.ActiveAsync(nodes.Kr, "fr-ofmin", "tampered"));
    }

    [Fact]
    public async Task A_replayed_older_release_is_quarantined()
    {
        await ListSteps.CreateAsync(nodes.Fr, "replayed", "all-peers");
        var v1 = await ListSteps.PublishAsync(nodes.Fr, "replayed", ListSteps.Csv(ListSteps.Md5Row(10)));
        await ListSteps.PublishAsync(nodes.Fr, "replayed", ListSteps.Csv(ListSteps.Md5Row(11)));
        await ListSteps.PullAsync(nodes.Nl, nodes.Fr);
        var before = await ListSteps.ActiveAsync(nodes.Nl, "fr-ofmin", "replayed");
        Assert.Equal(2, before.Count);

        // Serve version 1 again as a new feed item.
        await Superuser(nodes.Fr, """
            ALTER TABLE fed.feed DROP CONSTRAINT IF EXISTS feed_kind_content_sha256_key;
            INSERT INTO fed.feed (position, kind, item_id, origin, audience, content_sha256, signature_sha256, size)
              SELECT (SELECT max(position) + 1 FROM fed.feed), kind, item_id, origin, audience, content_sha256, signature_sha256, size
              FROM fed.feed WHERE content_sha256 = $1;
            """, v1);

        var outcome = await ListSteps.PullAsync(nodes.Nl, nodes.Fr);

        Assert.Equal("ok", outcome.Status);
        Assert.Equal(0, outcome.Applied);
        // The same signed content at a new feed position: refused as a replay before the release rules are even asked.
        await AssertQuarantined(nodes.Nl, "fr-ofmin", v1, Federation.Node.Sync.ItemReceiver.ReplayedReason);
        Assert.Equal(before, await ListSteps.ActiveAsync(nodes.Nl, "fr-ofmin", "replayed"));
    }

    [Fact]
    public async Task A_peer_serving_another_nodes_envelope_as_its_own_is_refused()
    {
        // kr-knpa's genuine signed release, served by fr-ofmin in its feed as if it were fr-ofmin's.
        await ListSteps.CreateAsync(nodes.Kr, "relayed", "all-peers");
        var digest = await ListSteps.PublishAsync(nodes.Kr, "relayed", ListSteps.Csv(ListSteps.Md5Row(20)));
        var (content, signature, sigSha) = await ReadRelease(nodes.Kr, digest);
        await InsertItem(nodes.Fr, "fr-ofmin", "fr-ofmin/relayed/1", content, signature, digest, sigSha);

        var outcome = await ListSteps.PullAsync(nodes.Nl, nodes.Fr);

        Assert.Equal("ok", outcome.Status);
        // The signer's chain ends at kr-knpa's CA, not at the CA pinned for fr-ofmin.
        await AssertQuarantined(nodes.Nl, "fr-ofmin", digest, RejectionReasons.ChainUntrusted);
        Assert.Empty(await ListSteps.ActiveAsync(nodes.Nl, "kr-knpa", "relayed"));
    }

    [Fact]
    public async Task A_peer_relaying_another_nodes_item_under_its_origin_is_refused()
    {
        await ListSteps.CreateAsync(nodes.Kr, "relayed-as-kr", "all-peers");
        var digest = await ListSteps.PublishAsync(nodes.Kr, "relayed-as-kr", ListSteps.Csv(ListSteps.Md5Row(21)));
        var (content, signature, sigSha) = await ReadRelease(nodes.Kr, digest);
        await InsertItem(nodes.Fr, "kr-knpa", "kr-knpa/relayed-as-kr/1", content, signature, digest, sigSha);

        var outcome = await ListSteps.PullAsync(nodes.Nl, nodes.Fr);

        Assert.Equal("ok", outcome.Status);
        await AssertQuarantined(nodes.Nl, "fr-ofmin", digest, "origin-not-peer");
    }

    [Fact]
    public async Task A_release_whose_previous_digest_does_not_chain_is_refused()
    {
        await ListSteps.CreateAsync(nodes.Fr, "chained", "all-peers");
        await ListSteps.PublishAsync(nodes.Fr, "chained", ListSteps.Csv(ListSteps.Md5Row(30)));
        await ListSteps.PullAsync(nodes.Kr, nodes.Fr);

        // A version 2 properly signed by fr-ofmin but naming a previous release that never existed.
        var now = DateTimeOffset.UtcNow;
        var header = new ReleaseHeader(ListId.Parse("chained"), NodeId.Parse("fr-ofmin"), new ReleaseVersion(2), ContentDigest.Of("no such release"u8),
            now, now.AddDays(30), Audience.AllPeers, TlpLabel.Amber);
        using var packed = new MemoryStream();
        var summary = await ReleasePacker.PackAsync(header, ToAsync(new SourcedChange(2, ReleaseChange.Add(
            SignalValue.Parse("md5", "00112233445566778899aabbccddeeff"), new EntryLabel(Classification.Ncii)))), packed);
        using var signer = PemFiles.LoadWithKey(Repo.CertsDev("fr-ofmin", "node-signing.crt"), Repo.CertsDev("fr-ofmin", "node-signing.key"));
        var signature = new EnvelopeSigner(signer, TimeProvider.System).SignDetached(FederationOids.HashListRelease, summary.Digest);
        await InsertItem(nodes.Fr, "fr-ofmin", "fr-ofmin/chained/2", packed.ToArray(), signature, summary.Digest.Hex, ContentDigest.Of(signature).Hex);

        var outcome = await ListSteps.PullAsync(nodes.Kr, nodes.Fr);

        Assert.Equal("ok", outcome.Status);
        await AssertQuarantined(nodes.Kr, "fr-ofmin", summary.Digest.Hex, ReleaseRejections.PreviousDigestMismatch);
        Assert.Single(await ListSteps.ActiveAsync(nodes.Kr, "fr-ofmin", "chained"));
    }

    private static async IAsyncEnumerable<SourcedChange> ToAsync(SourcedChange change)
    {
        yield return change;
        await Task.CompletedTask;
    }

    private static async Task AssertQuarantined(TestNode node, string peer, string digest, string reason)
    {
        var count = await ListSteps.ScalarAsync(node,
            "SELECT count(*) FROM fed.mt_events WHERE stream_id = $1 AND type = 'item_quarantined' AND data->>'ContentSha256' = $2 AND data->>'Reason' = $3",
            "sync:" + peer, digest, reason);
        if (count != 1)
        {
            await using var conn = new NpgsqlConnection(node.OwnerConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT string_agg(data->>'Reason' || ' ' || (data->>'Detail'), '; ') FROM fed.mt_events WHERE stream_id = $1 AND type = 'item_quarantined'", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = "sync:" + peer });
            Assert.Fail($"expected one quarantine of {digest} for {reason}; quarantined: {await cmd.ExecuteScalarAsync()}");
        }
    }

    private static async Task<(byte[] Content, byte[] Signature, string SignatureSha)> ReadRelease(TestNode node, string digest)
    {
        await using var conn = new NpgsqlConnection(node.OwnerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT c.content, s.content, s.sha256 FROM fed.feed f JOIN fed.blobs c ON c.sha256 = f.content_sha256 JOIN fed.blobs s ON s.sha256 = f.signature_sha256
            WHERE f.content_sha256 = $1
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = digest });
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return ((byte[])r[0], (byte[])r[1], r.GetString(2));
    }

    private static Task InsertItem(TestNode node, string origin, string itemId, byte[] content, byte[] signature, string contentSha, string signatureSha) =>
        Superuser(node, """
            INSERT INTO fed.blobs (sha256, media_type, size, content) VALUES ($1, 'application/vnd.federation.release', length($2), $2) ON CONFLICT DO NOTHING;
            INSERT INTO fed.blobs (sha256, media_type, size, content) VALUES ($3, 'application/pkcs7-signature', length($4), $4) ON CONFLICT DO NOTHING;
            INSERT INTO fed.feed (position, kind, item_id, origin, audience, content_sha256, signature_sha256, size)
              SELECT coalesce(max(position), 0) + 1, 'release', $5, $6, NULL, $1, $3, length($2) FROM fed.feed;
            """, contentSha, content, signatureSha, signature, itemId, origin);

    private static async Task Superuser(TestNode node, string sql, params object[] args)
    {
        await using var conn = new NpgsqlConnection(PostgresServer.Admin(node.Database!));
        await conn.OpenAsync();
        await using var batch = new NpgsqlBatch(conn);
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var cmd = new NpgsqlBatchCommand(statement);
            var used = Enumerable.Range(1, args.Length).Where(i => statement.Contains("$" + i, StringComparison.Ordinal)).DefaultIfEmpty(0).Max();
            foreach (var a in args.Take(used)) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
            batch.BatchCommands.Add(cmd);
        }
        await batch.ExecuteNonQueryAsync();
    }
}

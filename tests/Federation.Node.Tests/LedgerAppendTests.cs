using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Federation.Node.Tests.Support;
using static Federation.Node.Tests.Support.LedgerEvents;
using JasperFx;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Federation.Node.Tests;

/// <summary>Every event becomes a leaf in the transaction that stores it, at the next index, with no gap.</summary>
public sealed class LedgerAppendTests : IAsyncLifetime
{
    private readonly TestNode _node = new("kr-knpa");

    public sealed record EnvelopeReceived(string From, byte[] Digest) : IEnvelopeEvent
    {
        public ReadOnlyMemory<byte> SignedContentSha256 => Digest;
        public string EnvelopeBlobSha256 => new('e', 64);
        public string SignedBy => From;
    }

    public Task InitializeAsync() => _node.StartAsync();

    public Task DisposeAsync() => _node.DisposeAsync().AsTask();

    private IDocumentStore Store => _node.Services.GetRequiredService<IDocumentStore>();

    [Fact]
    public async Task Concurrent_appenders_produce_a_gap_free_tree_that_matches_a_recomputation_from_the_leaf_rows()
    {
        // 12 writers, 20 sessions each, 1-4 events per session over shared and private streams. Every fifth session
        // of writer 0 holds its transaction open (pg_sleep before the ledger lock) while the others commit, and every
        // seventh session of each writer loses an optimistic-concurrency race on purpose and rolls back (as do some
        // appends racing on a shared stream). Any other failure, such as a clash on a leaf index, fails the test.
        // The streams exist beforehand: two sessions creating one stream at once is Marten's race, not the ledger's.
        await using (var setup = Store.LightweightSession())
        {
            foreach (var stream in Enumerable.Range(0, 3).Select(i => $"case:shared-{i}").Concat(Enumerable.Range(0, 12).Select(w => $"case:w{w}")))
                setup.Events.Append(stream, new CaseNoted("setup", stream, 0, 0));
            await setup.SaveChangesAsync();
        }
        var committed = 15;
        var refused = 0;
        await Task.WhenAll(Enumerable.Range(0, 12).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var s = 0; s < 20; s++)
            {
                await using var session = Store.LightweightSession();
                var count = random.Next(1, 5);
                for (var i = 0; i < count; i++)
                    session.Events.Append(i % 2 == 0 ? $"case:shared-{random.Next(3)}" : $"case:w{w}",
                        new CaseNoted($"c-{w}-{s}", $"note {i} \"é\"", 1.50m + i, s));
                if (w == 0 && s % 5 == 0) session.QueueSqlCommand("SELECT pg_sleep(0.3)");
                var stale = s % 7 == 6;
                if (stale) session.Events.Append($"case:w{w}", expectedVersion: 1, new CaseNoted("stale", "", 0, s));
                try
                {
                    await session.SaveChangesAsync();
                    Interlocked.Add(ref committed, count + (stale ? 1 : 0));
                }
                catch (Exception e) when (e is ConcurrencyException or EventStreamUnexpectedMaxEventIdException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })));

        var rows = await LedgerRows.ReadAsync(_node);
        Assert.True(refused > 0, "no transaction was refused, so rollback was not exercised");
        Assert.True(rows.TombstoneCount > 0, "Marten wrote no tombstone for the refused appends");
        Assert.Equal(committed, rows.Leaves.Count);
        Assert.Equal(rows.EventCount, rows.Leaves.Count);
        for (var i = 0; i < rows.Leaves.Count; i++)
        {
            var (entry, data, timestamp, stream, type) = rows.Leaves[i];
            Assert.Equal((ulong)i, entry.Index);
            Assert.Equal(stream, entry.StreamKey);
            Assert.Equal(type, entry.EventType);
            Assert.Equal(timestamp, entry.Timestamp);
            Assert.Equal(LedgerEntry.DataDigest(data), entry.DataSha256);
        }

        var (recomputed, range) = rows.Recompute();
        Assert.Equal(PerfectSubtrees(range.Size), rows.StoredNodes.Count);
        foreach (var (address, hash) in rows.StoredNodes) Assert.Equal(recomputed.Read(address), hash);
        var log = _node.Services.GetRequiredService<LedgerLog>();
        Assert.Equal((ulong)committed, await log.SizeAsync(default));
        Assert.Equal(range.RootHash(), await log.RootAsync(range.Size, default));
    }

    [Fact]
    public async Task A_session_that_saves_twice_appends_each_event_once()
    {
        await using var session = Store.LightweightSession();
        session.Events.Append("case:twice", new CaseNoted("c", "first", 1, 0));
        await session.SaveChangesAsync();
        session.Events.Append("case:twice", new CaseNoted("c", "second", 2, 0));
        await session.SaveChangesAsync();

        var rows = await LedgerRows.ReadAsync(_node);
        Assert.Equal(["case:twice", "case:twice"], rows.Leaves.Select(l => l.StreamKey));
        Assert.Equal(2, rows.Leaves.Select(l => l.Entry.EventId).Distinct().Count());
    }

    [Fact]
    public async Task A_rolled_back_append_leaves_no_leaf_and_no_hole()
    {
        await using (var session = Store.LightweightSession())
        {
            session.Events.StartStream("case:once", new CaseNoted("c", "start", 1, 0));
            await session.SaveChangesAsync();
        }
        await using (var session = Store.LightweightSession())
        {
            session.Events.StartStream("case:once", new CaseNoted("c", "start again", 1, 0));
            await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());
        }
        await using (var session = Store.LightweightSession())
        {
            session.Events.Append("case:once", new CaseNoted("c", "next", 2, 0));
            await session.SaveChangesAsync();
        }

        var rows = await LedgerRows.ReadAsync(_node);
        Assert.Equal([0UL, 1UL], rows.Leaves.Select(l => l.Entry.Index));
        Assert.Equal(2, rows.EventCount);
    }

    [Fact]
    public async Task An_envelope_event_commits_to_its_signed_content_digest()
    {
        var digest = System.Security.Cryptography.SHA256.HashData("signed content"u8);
        await using var session = Store.LightweightSession();
        session.Events.Append("inbox:fr-ofmin", new EnvelopeReceived("fr-ofmin", digest), new CaseNoted("c", "plain", 0, 0));
        await session.SaveChangesAsync();

        var rows = await LedgerRows.ReadAsync(_node);
        Assert.Equal(digest, rows.Leaves[0].Entry.EnvelopeSha256);
        Assert.Null(rows.Leaves[1].Entry.EnvelopeSha256);
        Assert.Equal(new string('e', 64), await ListSteps.ScalarTextAsync(_node, "SELECT envelope_blob FROM fed.ledger_leaf WHERE leaf_index = 0"));
        Assert.Equal("fr-ofmin", await ListSteps.ScalarTextAsync(_node, "SELECT envelope_signer FROM fed.ledger_leaf WHERE leaf_index = 0"));
    }

    [Theory]
    [InlineData("UPDATE fed.ledger_leaf SET stream_key = 'forged'")]
    [InlineData("DELETE FROM fed.ledger_node")]
    [InlineData("TRUNCATE fed.ledger_leaf")]
    public async Task Neither_role_can_change_or_remove_ledger_rows(string sql)
    {
        await using (var session = Store.LightweightSession())
        {
            session.Events.Append("case:x", new CaseNoted("c", "x", 0, 0));
            await session.SaveChangesAsync();
        }
        foreach (var cs in new[] { _node.AppConnectionString, _node.OwnerConnectionString })
        {
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, conn);
            var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        }
        Assert.Single((await LedgerRows.ReadAsync(_node)).Leaves);
    }

    /// <summary>How many perfect subtrees a tree of <paramref name="size"/> leaves has: size/2^level at each level.</summary>
    private static int PerfectSubtrees(ulong size)
    {
        var count = 0;
        for (var level = 0; (size >> level) > 0; level++) count += (int)(size >> level);
        return count;
    }
}

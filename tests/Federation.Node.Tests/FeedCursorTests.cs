using Federation.Node.Storage;
using Federation.Node.Tests.Support;
using Npgsql;

namespace Federation.Node.Tests;

/// <summary>
/// The feed's cursor under concurrent writers: transactions that take their position and then stay open for a random
/// while before committing, while a reader pages by cursor the whole time. The reader must see every item exactly
/// once — with positions from a sequence it would move past an item committed late and never see it.
/// </summary>
public sealed class FeedCursorTests
{
    [Fact]
    public async Task A_reader_paging_by_cursor_never_skips_an_item_while_writers_commit_out_of_order()
    {
        await using var node = new TestNode("kr-knpa");
        await node.StartAsync();
        await using var db = NpgsqlDataSource.Create(node.AppConnectionString);
        const int writers = 8, perWriter = 15;
        var random = new Random(20261124);
        var delays = Enumerable.Range(0, writers * perWriter).Select(_ => random.Next(0, 25)).ToArray();

        var writing = Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await using var conn = await db.OpenConnectionAsync();
                await using var tx = await conn.BeginTransactionAsync();
                var id = $"w{w}-{i}";
                await FeedWriter.AppendAsync(conn, tx, "fed", new FeedItem("test", id, "kr-knpa", null, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id))), null, 0), default);
                await Task.Delay(delays[w * perWriter + i]); // hold the transaction open after the position is taken
                await tx.CommitAsync();
            }
        })));

        var seen = new List<(long Position, string Id)>();
        long cursor = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var done = writing.IsCompleted;
            await using (var cmd = db.CreateCommand("SELECT position, item_id FROM fed.feed WHERE position > $1 ORDER BY position LIMIT 7"))
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = cursor });
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync())
                {
                    seen.Add((r.GetInt64(0), r.GetString(1)));
                    cursor = r.GetInt64(0);
                }
            }
            if (done && seen.Count >= writers * perWriter) break;
            await Task.Delay(3);
        }
        await writing;

        Assert.Equal(writers * perWriter, seen.Count);
        Assert.Equal(seen.Count, seen.Select(s => s.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, writers * perWriter).Select(i => (long)i), seen.Select(s => s.Position));
    }
}

using Federation.Node.Peers;
using Federation.Node.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Federation.Node.Tests;

/// <summary>The events table is append-only in the database itself, whoever connects.</summary>
public sealed class EventHistoryTests(EventHistoryTests.OneNodeWithAnEvent fixture) : IClassFixture<EventHistoryTests.OneNodeWithAnEvent>
{
    private readonly TestNode _node = fixture.Node;

    public sealed class OneNodeWithAnEvent : IAsyncLifetime
    {
        public TestNode Node { get; } = new("kr-knpa");

        public async Task InitializeAsync()
        {
            await Node.StartAsync();
            await using var session = Node.Services.GetRequiredService<IDocumentStore>().LightweightSession();
            session.Events.Append("peer:fr-ofmin", new PeerDescriptorAccepted("fr-ofmin", "00", "test", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        public Task DisposeAsync() => Node.DisposeAsync().AsTask();
    }

    [Theory]
    [InlineData("UPDATE fed.mt_events SET type = 'forged'")]
    [InlineData("DELETE FROM fed.mt_events")]
    [InlineData("TRUNCATE fed.mt_events CASCADE")]
    public async Task The_application_role_cannot_change_or_remove_events(string sql)
    {
        var before = await CountEvents();
        Assert.True(before >= 1);
        var e = await Assert.ThrowsAsync<PostgresException>(() => Execute(_node.AppConnectionString, sql));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        Assert.Equal(before, await CountEvents());
    }

    [Theory]
    [InlineData("UPDATE fed.mt_events SET type = 'forged'")]
    [InlineData("DELETE FROM fed.mt_events")]
    [InlineData("TRUNCATE fed.mt_events CASCADE")]
    public async Task The_owner_role_cannot_change_or_remove_events_either(string sql)
    {
        var before = await CountEvents();
        Assert.True(before >= 1);
        var e = await Assert.ThrowsAsync<PostgresException>(() => Execute(_node.OwnerConnectionString, sql));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        Assert.Contains("append-only", e.MessageText, StringComparison.Ordinal);
        Assert.Equal(before, await CountEvents());
    }

    [Fact]
    public async Task The_application_role_can_still_append()
    {
        var before = await CountEvents();
        await using var session = _node.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Events.Append("peer:nl-police", new PeerDescriptorAccepted("nl-police", "01", "test", DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
        Assert.Equal(before + 1, await CountEvents());
    }

    private async Task<long> CountEvents()
    {
        await using var conn = new NpgsqlConnection(_node.OwnerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM fed.mt_events WHERE type <> 'forged'", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task Execute(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

using System.Security.Cryptography;
using Federation.Node.Console;
using Federation.Node.Hosting;
using Federation.Node.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Federation.Node.Tests;

/// <summary>
/// The console's tokens are protected with keys kept in the node's own schema: another instance of the same node (or
/// the node after a restart) reads them, and another node does not.
/// </summary>
public sealed class ConsoleKeyRingTests(ConsolePageTests.OneNode nodes) : IClassFixture<ConsolePageTests.OneNode>
{
    private const string Purpose = "key-ring-test";

    [Fact]
    public async Task A_token_protected_by_the_node_is_read_by_a_second_instance_of_it_and_by_no_other_node()
    {
        var kr = nodes.Kr;
        var token = kr.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("visit of case X");
        var schema = kr.Services.GetRequiredService<NodeSettingsMonitor>().Current.Schema;
        await using (var cmd = kr.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand($"SELECT count(*) FROM {schema}.data_protection_keys"))
            Assert.True((long)(await cmd.ExecuteScalarAsync())! >= 1);

        // A second instance: its own process state, the same database and node id.
        using (var second = Instance(kr, "kr-knpa", schema))
            Assert.Equal("visit of case X", second.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(token));

        // Another node's application name: its keys and its tokens are its own, even reading the same table.
        using var other = Instance(kr, "fr-ofmin", schema);
        Assert.ThrowsAny<CryptographicException>(() => other.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(token));
    }

    private static ServiceProvider Instance(TestNode node, string nodeId, string schema)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(_ => NpgsqlDataSource.Create(node.AppConnectionString));
        DataProtectionKeyRing.AddNodeDataProtection(services, nodeId, schema);
        return services.BuildServiceProvider();
    }
}

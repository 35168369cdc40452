using System.Security.Cryptography;
using System.Xml.Linq;
using Federation.Core.Pki;
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

    [Fact]
    public async Task The_key_ring_in_the_database_holds_no_plaintext_key_and_is_sealed_with_the_nodes_own_key()
    {
        var kr = nodes.Kr;
        var protector = kr.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
        var token = protector.Protect("sealed ring");
        var rows = await KeyRingRows(kr);

        Assert.NotEmpty(rows);
        var own = DataProtectionKey.Parse(await File.ReadAllTextAsync(Repo.CertsDev("kr-knpa", "data-protection.key")));
        foreach (var xml in rows)
        {
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            Assert.Contains($"keyId=\"{own.Id}\"", xml, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(kr.Logs.Lines, l => l.Contains("No XML encryptor configured", StringComparison.Ordinal));

        // A restart (a fresh instance with the same key file) reads the sealed ring.
        using var restarted = Instance(kr, "kr-knpa", Schema(kr));
        Assert.Equal("sealed ring", restarted.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(token));
    }

    [Fact]
    public async Task A_ring_entry_sealed_under_another_key_is_refused_naming_both_keys()
    {
        var kr = nodes.Kr;
        kr.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("x");
        var entry = XElement.Parse((await KeyRingRows(kr))[0]).Descendants().First(e => e.Name.LocalName == "encryptedKey");
        var own = DataProtectionKey.Parse(await File.ReadAllTextAsync(Repo.CertsDev("kr-knpa", "data-protection.key")));
        var other = DataProtectionKey.Parse(DataProtectionKey.Generate());

        using var wrongKey = new ServiceCollection().AddSingleton(other).BuildServiceProvider();
        var e = Assert.ThrowsAny<CryptographicException>(() => new KeyRingDecryptor(wrongKey).Decrypt(entry));
        Assert.Contains(own.Id, e.Message, StringComparison.Ordinal);
        Assert.Contains(other.Id, e.Message, StringComparison.Ordinal);

        // The same id with one byte of the sealed value changed fails authentication (AES-GCM), not silently.
        var value = entry.Elements().Single();
        var bytes = Convert.FromBase64String(value.Value);
        bytes[^1] ^= 1;
        var tampered = new XElement(entry);
        tampered.Elements().Single().Value = Convert.ToBase64String(bytes);
        using var rightKey = new ServiceCollection().AddSingleton(own).BuildServiceProvider();
        Assert.ThrowsAny<CryptographicException>(() => new KeyRingDecryptor(rightKey).Decrypt(tampered));
        Assert.Equal("masterKey", new KeyRingDecryptor(rightKey).Decrypt(entry).Name.LocalName);
    }

    private static string Schema(TestNode node) => node.Services.GetRequiredService<NodeSettingsMonitor>().Current.Schema;

    private static async Task<List<string>> KeyRingRows(TestNode node)
    {
        await using var cmd = node.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand($"SELECT xml FROM {Schema(node)}.data_protection_keys");
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static ServiceProvider Instance(TestNode node, string nodeId, string schema)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(_ => NpgsqlDataSource.Create(node.AppConnectionString));
        // Each node's own key file (certs-dev in Development); kr-knpa's ring is sealed under kr-knpa's key.
        DataProtectionKeyRing.AddNodeDataProtection(services, nodeId, schema,
            DataProtectionKey.Parse(File.ReadAllText(Repo.CertsDev(node.NodeId, "data-protection.key"))));
        return services.BuildServiceProvider();
    }
}

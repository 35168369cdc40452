using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Federation.Node.Console;

/// <summary>
/// The node's ASP.NET Data Protection key ring (antiforgery and consultation-visit tokens), kept in its own PostgreSQL
/// schema rather than in the process user's home directory: tokens survive a restart and hold on every instance of
/// the node behind a load balancer, and two nodes run by one user never share keys. Each key is encrypted in the
/// table with the node's own key (<see cref="KeyRingEncryptor"/>), so a copy of the database alone forges no token.
/// </summary>
public sealed class DataProtectionKeyRing(NpgsqlDataSource db, string schema) : IXmlRepository
{
    public static string Ddl(string schema) => $"""
        CREATE TABLE IF NOT EXISTS {schema}.data_protection_keys (
            name    text PRIMARY KEY,
            xml     text NOT NULL,
            created timestamptz NOT NULL DEFAULT now());
        """;

    // The interface is synchronous: Data Protection reads the ring once and then on key rotation, not per request.
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var cmd = db.CreateCommand($"SELECT xml FROM {schema}.data_protection_keys ORDER BY created, name");
        using var reader = cmd.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read()) elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var cmd = db.CreateCommand($"INSERT INTO {schema}.data_protection_keys (name, xml) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING");
        cmd.Parameters.Add(new NpgsqlParameter { Value = friendlyName });
        cmd.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        cmd.ExecuteNonQuery();
    }

    /// <summary>Data Protection for node <paramref name="nodeId"/>, its keys in <paramref name="schema"/>, encrypted with <paramref name="key"/>.</summary>
    public static IServiceCollection AddNodeDataProtection(IServiceCollection services, string nodeId, string schema, Federation.Core.Pki.DataProtectionKey key)
    {
        services.AddDataProtection().SetApplicationName("federation-node/" + nodeId);
        services.AddSingleton(key);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o =>
            {
                o.XmlRepository = new DataProtectionKeyRing(sp.GetRequiredService<NpgsqlDataSource>(), schema);
                o.XmlEncryptor = new KeyRingEncryptor(key);
            }));
        return services;
    }
}

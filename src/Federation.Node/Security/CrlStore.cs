using System.Globalization;
using System.Numerics;
using Federation.Core.Pki;
using Npgsql;

namespace Federation.Node.Security;

/// <summary>
/// The newest CRL installed per CA, kept in the node's schema: after a restart the node starts from it rather than
/// from nothing, so a distribution point (or whoever sits in front of it) cannot replay an older list that a
/// restart would otherwise accept as the first one seen.
/// </summary>
public sealed class CrlStore(NpgsqlDataSource db, string schema)
{
    public static string Ddl(string schema) => $"""
        CREATE TABLE IF NOT EXISTS {schema}.crls_held (
            issuer      text PRIMARY KEY,   -- SHA-256 thumbprint of the CA certificate
            crl_number  numeric,
            this_update timestamptz NOT NULL,
            der         bytea NOT NULL,
            source      text NOT NULL,
            stored      timestamptz NOT NULL DEFAULT now());
        """;

    /// <summary>The CRL held for <paramref name="anchor"/>'s CA, verified again against it; null when none is stored.</summary>
    public async Task<RevocationList?> LoadAsync(TrustAnchor anchor, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT der FROM {schema}.crls_held WHERE issuer = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = anchor.Thumbprint });
        return await cmd.ExecuteScalarAsync(ct) is byte[] der ? RevocationList.Load(der, anchor.Ca) : null;
    }

    public async Task SaveAsync(TrustAnchor anchor, RevocationList crl, byte[] der, Uri source, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            INSERT INTO {schema}.crls_held (issuer, crl_number, this_update, der, source) VALUES ($1, $2::numeric, $3, $4, $5)
            ON CONFLICT (issuer) DO UPDATE SET crl_number = excluded.crl_number, this_update = excluded.this_update,
              der = excluded.der, source = excluded.source, stored = now()
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = anchor.Thumbprint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = crl.Number is BigInteger n ? n.ToString(CultureInfo.InvariantCulture) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = crl.ThisUpdate });
        cmd.Parameters.Add(new NpgsqlParameter { Value = der });
        cmd.Parameters.Add(new NpgsqlParameter { Value = source.ToString() });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Core.Pki;
using Microsoft.Extensions.Hosting;

namespace Federation.Node.Hosting;

/// <summary>
/// Reads the <c>Node</c> section (appsettings, then environment variables such as <c>Node__AgencyPort</c>) and
/// checks every value before anything starts. See docs/configuration.md for the keys.
/// </summary>
public static class NodeSettingsLoader
{
    public const string Section = "Node";

    public static NodeSettings Load(IConfiguration configuration, IHostEnvironment environment, TimeProvider time)
    {
        var node = configuration.GetSection(Section);
        var baseDir = Path.GetFullPath(node["BaseDirectory"] ?? environment.ContentRootPath);

        var nodeId = ParseNodeId(node, "NodeId");
        var listen = node["ListenAddress"] ?? "127.0.0.1";
        if (!System.Net.IPAddress.TryParse(listen, out _)) throw Bad(node, "ListenAddress", "must be an IP address");
        var fedPort = Port(node, "FederationPort", required: true);
        var agencyPort = Port(node, "AgencyPort", required: true);
        var healthPort = Port(node, "HealthPort", required: true);
        if (fedPort != 0 && (fedPort == agencyPort || fedPort == healthPort || (agencyPort != 0 && agencyPort == healthPort)))
            throw Bad(node, "HealthPort", "federation, agency and health ports must differ");

        var publicUrl = node["PublicFederationUrl"] ?? $"https://localhost:{fedPort}";
        if (!Uri.TryCreate(publicUrl, UriKind.Absolute, out var pub) || pub.Scheme != Uri.UriSchemeHttps)
            throw Bad(node, "PublicFederationUrl", "must be an absolute https URL");

        var db = node.GetSection("Database");
        var cs = db["ConnectionString"];
        if (string.IsNullOrWhiteSpace(cs)) throw Bad(db, "ConnectionString", "is required");
        var schema = db["Schema"] ?? "fed";
        if (!IsIdentifier(schema)) throw Bad(db, "Schema", "must be a lower-case SQL identifier");

        var certs = node.GetSection("Certificates");
        var crlMaxAge = TrustAnchor.DefaultCrlMaxAge;
        if (certs["CrlMaxAge"] is { } age)
        {
            if (!TimeSpan.TryParse(age, CultureInfo.InvariantCulture, out crlMaxAge) || crlMaxAge < TimeSpan.FromMinutes(1) || crlMaxAge > TimeSpan.FromDays(366))
                throw Bad(certs, "CrlMaxAge", "must be a duration (d.hh:mm:ss) from 1 minute to 366 days");
        }
        var fetching = new CrlFetching(
            TimeSpan.FromSeconds(WholeNumber(certs, "CrlFetchTimeoutSeconds", (long)CrlFetching.Default.Timeout.TotalSeconds, 1, 300, "seconds")),
            WholeNumber(certs, "CrlMaxBytes", CrlFetching.Default.MaxBytes, 1024, 256L * 1024 * 1024, "bytes"));
        var anchor = LoadAnchor(certs, "Ca", "Crl", baseDir, crlMaxAge);
        var tls = LoadPair(certs, "Tls", baseDir);
        var client = LoadPair(certs, "Client", baseDir);
        var signing = LoadPair(certs, "Signing", baseDir);
        foreach (var (name, cert) in new[] { ("TlsCert", tls), ("ClientCert", client), ("SigningCert", signing) })
            if (NodeId.FromCertificate(cert) != nodeId)
                throw Bad(certs, name, $"the certificate does not name {nodeId.ToUri()} in its URI SAN");
        var dataProtectionKey = LoadDataProtectionKey(certs, baseDir);

        var peers = ImmutableDictionary.CreateBuilder<NodeId, PeerSettings>();
        var peerSections = node.GetSection("Peers").GetChildren().ToList();
        foreach (var p in peerSections)
        {
            var id = ParseNodeId(p, "NodeId");
            if (id == nodeId) throw Bad(p, "NodeId", "a node cannot be its own peer");
            if (peers.ContainsKey(id)) throw Bad(p, "NodeId", "is configured twice");
            var url = p["BaseUrl"];
            if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme != Uri.UriSchemeHttps)
                throw Bad(p, "BaseUrl", "must be an absolute https URL");
            var logOrigin = p["LogOrigin"] ?? LogNames.DefaultOrigin(id);
            if (!LogNames.IsValidOrigin(logOrigin)) throw Bad(p, "LogOrigin", "must be a log key name (no spaces or '+')");
            // One origin is one log: two peers bound to it would each be able to submit checkpoints of the other's.
            if (peers.Values.FirstOrDefault(o => o.LogOrigin == logOrigin) is { } other)
                throw Bad(p, "LogOrigin", $"'{logOrigin}' is already the log origin of peer {other.NodeId}");
            peers[id] = new PeerSettings(id, baseUrl, LoadAnchor(p, "CaCert", "Crl", baseDir, crlMaxAge), logOrigin);
        }

        var people = ImmutableDictionary.CreateBuilder<string, ImmutableHashSet<string>>(StringComparer.Ordinal);
        foreach (var person in node.GetSection("People").GetChildren())
        {
            var uri = person["Uri"];
            if (uri is null || !uri.StartsWith(PersonId.UriPrefix + nodeId + ":", StringComparison.Ordinal))
                throw Bad(person, "Uri", $"must start with {PersonId.UriPrefix}{nodeId}:");
            var roles = person.GetSection("Roles").GetChildren().Select(r => r.Value ?? "").ToImmutableHashSet();
            foreach (var r in roles)
                if (!Roles.All.Contains(r)) throw Bad(person, "Roles", $"unknown role '{r}' ({string.Join(", ", Roles.All.Order(StringComparer.Ordinal))})");
            people[uri] = roles;
        }

        var interval = TimeSpan.FromSeconds(60);
        if (node.GetSection("Jobs")["PeerRefreshSeconds"] is { } s)
        {
            if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var secs) || secs is < 5 or > 86400)
                throw Bad(node.GetSection("Jobs"), "PeerRefreshSeconds", "must be a whole number of seconds from 5 to 86400");
            interval = TimeSpan.FromSeconds(secs);
        }

        var syncInterval = TimeSpan.FromSeconds(60);
        if (node.GetSection("Jobs")["PeerSyncSeconds"] is { } ss)
        {
            if (!int.TryParse(ss, NumberStyles.None, CultureInfo.InvariantCulture, out var secs) || secs is < 60 or > 86400)
                throw Bad(node.GetSection("Jobs"), "PeerSyncSeconds", "must be a whole number of seconds from 60 to 86400");
            syncInterval = TimeSpan.FromSeconds(secs);
        }

        // Closed cases are archived this long after closing (LED Art 5 retention review); each agency sets its own law's period.
        var archiveAfter = TimeSpan.FromDays(365);
        if (node.GetSection("Requests")["ArchiveAfterDays"] is { } days)
        {
            if (!int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var d) || d is < 1 or > 3650)
                throw Bad(node.GetSection("Requests"), "ArchiveAfterDays", "must be a whole number of days from 1 to 3650");
            archiveAfter = TimeSpan.FromDays(d);
        }

        if (!environment.IsDevelopment())
        {
            if (DevPki.IsDevelopmentCa(anchor.Ca) || DevKeys.IsDevelopmentKey(anchor.Ca))
                throw Bad(certs, "Ca", "is a certs-dev CA (public keys); refused outside the Development environment");
            foreach (var (p, section) in peers.Values.Zip(peerSections))
                if (DevPki.IsDevelopmentCa(p.Anchor.Ca) || DevKeys.IsDevelopmentKey(p.Anchor.Ca))
                    throw Bad(section, "CaCert", "is a certs-dev CA (public keys); refused outside the Development environment");
            foreach (var (name, cert) in new[] { ("Tls", tls), ("Client", client), ("Signing", signing) })
            {
                if (DevKeys.IsDevelopmentKey(cert))
                    throw DevKey(certs, name + "Key", ExistingFile(certs, name + "Key", baseDir));
                RefuseOpenKeyFile(certs, name + "Key", baseDir);
            }
            if (DevKeys.IsDevelopmentKey(dataProtectionKey.Fingerprint))
                throw DevKey(certs, "DataProtectionKey", ExistingFile(certs, "DataProtectionKey", baseDir));
            RefuseOpenKeyFile(certs, "DataProtectionKey", baseDir);
        }
        _ = time;

        return new NodeSettings(nodeId, node["DisplayName"] ?? nodeId.Value, node["Jurisdiction"] ?? "", listen, fedPort, agencyPort, healthPort,
            publicUrl, cs, db["OwnerConnectionString"], schema, anchor, tls, client, signing, peers.ToImmutable(), people.ToImmutable(), interval, syncInterval,
            archiveAfter, fetching, dataProtectionKey);
    }

    private static DataProtectionKey LoadDataProtectionKey(IConfigurationSection certs, string baseDir)
    {
        var path = ExistingFile(certs, "DataProtectionKey", baseDir, "create one with: fedctl certs data-protection-key --out <file>");
        try
        {
            return DataProtectionKey.Parse(File.ReadAllText(path));
        }
        catch (FormatException e)
        {
            throw Bad(certs, "DataProtectionKey", e.Message);
        }
    }

    /// <summary>Outside Development a private key file must be readable by its owner only: a key that others on the
    /// machine could read is no longer this node's alone.</summary>
    public static void RefuseOpenKeyFile(IConfigurationSection s, string key, string baseDir)
    {
        var path = ExistingFile(s, key, baseDir);
        if (KeyFiles.OpenToOthers(path) != 0)
            throw Bad(s, key, $"the private key file {path} is readable by group or others (mode {KeyFiles.Octal(path)}); chmod 600 it");
    }

    public static NodeConfigurationException DevKey(IConfigurationSection s, string key, string path) =>
        Bad(s, key, $"{path} is a certs-dev key (public, committed to the repository); refused outside the Development environment");

    private static long WholeNumber(IConfigurationSection s, string key, long fallback, long min, long max, string unit)
    {
        if (s[key] is not { } text) return fallback;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw Bad(s, key, $"must be a whole number of {unit} from {min} to {max}");
    }

    private static NodeId ParseNodeId(IConfigurationSection s, string key) =>
        NodeId.TryParse(s[key], out var id) ? id : throw Bad(s, key, "must be a node id (lower-case letters, digits and '-', starting with a letter)");

    private static int Port(IConfigurationSection s, string key, bool required)
    {
        var v = s[key];
        if (v is null && !required) return 0;
        // 0 asks the OS for a free port (tests); a real node configures fixed ports.
        if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            throw Bad(s, key, "must be a port number 0-65535");
        return port;
    }

    private static TrustAnchor LoadAnchor(IConfigurationSection s, string caKey, string crlKey, string baseDir, TimeSpan crlMaxAge)
    {
        System.Security.Cryptography.X509Certificates.X509Certificate2 ca;
        try
        {
            ca = PemFiles.LoadCertificate(ExistingFile(s, caKey, baseDir));
        }
        catch (CryptographicException e)
        {
            throw Bad(s, caKey, $"is not a PEM certificate: {e.Message}");
        }
        if (ca.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            throw Bad(s, caKey, "is not a CA certificate");
        RevocationList? crl = null;
        if (s[crlKey] is { } crlValue && (crlValue.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || crlValue.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            if (!Uri.TryCreate(crlValue, UriKind.Absolute, out var url)) throw Bad(s, crlKey, "is not a valid URL");
            return new TrustAnchor(ca, null, url) { CrlMaxAge = crlMaxAge }; // fetched by CrlFetcher
        }
        if (s[crlKey] is not null)
        {
            var path = ExistingFile(s, crlKey, baseDir);
            try
            {
                crl = RevocationList.Load(File.ReadAllBytes(path), ca);
            }
            catch (CryptographicException e)
            {
                throw Bad(s, crlKey, e.Message);
            }
        }
        return new TrustAnchor(ca, crl) { CrlMaxAge = crlMaxAge };
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadPair(IConfigurationSection s, string name, string baseDir)
    {
        var cert = ExistingFile(s, name + "Cert", baseDir);
        var key = ExistingFile(s, name + "Key", baseDir);
        try
        {
            return PemFiles.LoadWithKey(cert, key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw Bad(s, name + "Key", $"does not load with {name}Cert: {e.Message}");
        }
    }

    public static string ExistingFile(IConfigurationSection s, string key, string baseDir, string? howToCreate = null)
    {
        var v = s[key];
        if (string.IsNullOrWhiteSpace(v)) throw Bad(s, key, howToCreate is null ? "is required" : $"is required ({howToCreate})");
        var path = Path.IsPathRooted(v) ? v : Path.Combine(baseDir, v);
        return File.Exists(path) ? path : throw Bad(s, key, $"file {path} does not exist");
    }

    private static bool IsIdentifier(string s) =>
        s.Length is > 0 and < 64 && s[0] is >= 'a' and <= 'z' && s.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_');

    private static NodeConfigurationException Bad(IConfigurationSection s, string key, string problem) =>
        new($"{s.Path}:{key}", s[key], problem);
}

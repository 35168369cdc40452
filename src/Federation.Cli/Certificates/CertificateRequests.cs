using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Cli.Hosting;
using Federation.Core.Identity;
using Federation.Core.Pki;

namespace Federation.Cli.Certificates;

/// <summary>The CSR flow of a real agency: the holder makes a key and a request, the agency CA issues from it.</summary>
internal static class CertificateRequests
{
    public static int WriteRequest(CliArgs a, TextWriter stdout)
    {
        var name = a.Required("out");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(a.Required("subject"), key, HashAlgorithmName.SHA256);
        PemFiles.WritePrivateKey(name + ".key", key);
        File.WriteAllText(name + ".csr", req.CreateSigningRequestPem() + "\n");
        stdout.WriteLine($"wrote {name}.key (keep it) and {name}.csr (send it to your agency CA)");
        return 0;
    }

    public static int Issue(CliArgs a, TextWriter stdout, TimeProvider time)
    {
        using var ca = LoadCa(a.Required("ca"));
        var profile = a.Required("profile") switch
        {
            "node-tls" => CertificateProfile.NodeTls,
            "node-client" => CertificateProfile.NodeClient,
            "node-signing" => CertificateProfile.NodeSigning,
            "person" => CertificateProfile.Person,
            var p => throw new CliException($"--profile: unknown profile '{p}' (node-tls, node-client, node-signing, person)"),
        };
        var uri = a.Required("uri");
        var validUri = profile == CertificateProfile.Person
            ? uri.StartsWith(PersonId.UriPrefix, StringComparison.Ordinal)
            : uri.StartsWith(NodeId.UriPrefix, StringComparison.Ordinal) && NodeId.TryParse(uri[NodeId.UriPrefix.Length..], out _);
        if (!validUri) throw new CliException($"--uri: '{uri}' does not fit profile {a.Required("profile")} ({NodeId.UriPrefix}<node-id> or {PersonId.UriPrefix}<node-id>:<handle>)");

        var csrText = File.ReadAllText(a.Required("csr"));
        if (!PemEncoding.TryFind(csrText, out var fields)) throw new CliException($"{a.Required("csr")}: not a PEM certificate request");
        var der = Convert.FromBase64String(csrText[fields.Base64Data]);
        var days = a.Int("days", 365, 1, 3650);
        var now = time.GetUtcNow();
        X509Certificate2 cert;
        try
        {
            cert = new CertificateIssuer(ca).IssueForRequest(der, profile, uri, now.AddMinutes(-5), now.AddDays(days), a.Optional("crl-url"));
        }
        catch (CryptographicException e)
        {
            throw new CliException($"{a.Required("csr")}: the request is not valid ({e.Message})");
        }
        using (cert)
        {
            PemFiles.WriteCertificate(a.Required("out"), cert);
            stdout.WriteLine($"issued {cert.Subject} ({a.Required("profile")}, {uri}) valid until {cert.NotAfter:yyyy-MM-dd} -> {a.Required("out")}");
        }
        return 0;
    }

    public static int Revoke(CliArgs a, TextWriter stdout, TimeProvider time)
    {
        using var ca = LoadCa(a.Required("ca"));
        var revoked = a.Required("revoke").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(PemFiles.LoadCertificate).ToList();
        var now = time.GetUtcNow();
        var days = a.Int("days", 7, 1, 366);
        var crl = new CertificateIssuer(ca).BuildCrl(revoked, now.ToUnixTimeSeconds(), now, now.AddDays(days));
        File.WriteAllBytes(a.Required("out"), crl);
        stdout.WriteLine($"wrote a CRL of {revoked.Count} certificate(s), next update {now.AddDays(days):O} -> {a.Required("out")}");
        return 0;
    }

    private static X509Certificate2 LoadCa(string dir)
    {
        var crt = Path.Combine(dir, "ca.crt");
        var key = Path.Combine(dir, "ca.key");
        if (!File.Exists(crt) || !File.Exists(key)) throw new CliException($"--ca: {dir} must hold ca.crt and ca.key");
        return PemFiles.LoadWithKey(crt, key);
    }
}

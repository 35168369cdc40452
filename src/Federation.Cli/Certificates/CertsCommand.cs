using Federation.Cli.Hosting;
using Federation.Core.Identity;
using Federation.Core.Pki;

namespace Federation.Cli.Certificates;

/// <summary><c>fedctl certs dev|csr|issue|crl</c>: the development PKI and a real agency's CSR flow.</summary>
public static class CertsCommand
{
    public const string Usage = """
        fedctl certs dev --out <dir> [--nodes kr-knpa,fr-ofmin,nl-police]
        fedctl certs ca --subject <dn> --out <dir>
        fedctl certs csr --subject <dn> --out <name>           (writes <name>.key and <name>.csr; the key stays with you)
        fedctl certs issue --ca <dir> --csr <file.csr> --profile node-tls|node-client|node-signing|person --uri <urn> --out <file.crt> [--days 365] [--crl-url <url>]
        fedctl certs crl --ca <dir> --revoke <file.crt>[,<file.crt>...] --out <file.crl> [--days 7]
        fedctl certs log-key --name <origin> --out <file.key>         (checkpoint signing key; writes <file>.vkey too)
        fedctl certs witness-key --name <name> --out <file.key>       (cosignature/v1 key for witnessing peers)
        fedctl certs data-protection-key --out <file.key>             (encrypts the node's Data Protection key ring)
        """;

    public static int Run(string[] args, TextWriter stdout, TimeProvider time)
    {
        if (args.Length == 0) throw new CliException("usage:\n" + Usage, 2);
        var rest = args[1..];
        switch (args[0])
        {
            case "dev":
            {
                var a = CliArgs.Parse(rest, ["out", "nodes"]);
                var nodes = (a.Optional("nodes") ?? "kr-knpa,fr-ofmin,nl-police").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(n => NodeId.TryParse(n, out var id) ? id : throw new CliException($"--nodes: '{n}' is not a valid node id")).ToList();
                var outDir = a.Required("out");
                DevPki.Generate(outDir, nodes, time.GetUtcNow());
                foreach (var node in nodes) NoteKeyFiles.WriteDevKeys(Path.Combine(outDir, node.Value), node);
                stdout.WriteLine($"wrote the development PKI for {string.Join(", ", nodes)} to {outDir} (public keys: development only)");
                return 0;
            }
            case "ca":
            {
                var a = CliArgs.Parse(rest, ["subject", "out", "years"]);
                var now = time.GetUtcNow();
                using var ca = CertificateIssuer.CreateCa(a.Required("subject"), now.AddMinutes(-5), now.AddYears(a.Int("years", 10, 1, 50)));
                var dir = a.Required("out");
                Directory.CreateDirectory(dir);
                PemFiles.WriteCertificate(Path.Combine(dir, "ca.crt"), ca);
                PemFiles.WritePrivateKey(Path.Combine(dir, "ca.key"), ca);
                stdout.WriteLine($"wrote {Path.Combine(dir, "ca.crt")} and ca.key (keep ca.key offline)");
                return 0;
            }
            case "csr":
                return CertificateRequests.WriteRequest(CliArgs.Parse(rest, ["subject", "out"]), stdout);
            case "issue":
                return CertificateRequests.Issue(CliArgs.Parse(rest, ["ca", "csr", "profile", "uri", "out", "days", "crl-url"]), stdout, time);
            case "crl":
                return CertificateRequests.Revoke(CliArgs.Parse(rest, ["ca", "revoke", "out", "days"]), stdout, time);
            case "log-key":
                return NoteKeyFiles.WriteLogKey(CliArgs.Parse(rest, ["name", "out"]), stdout);
            case "witness-key":
                return NoteKeyFiles.WriteWitnessKey(CliArgs.Parse(rest, ["name", "out"]), stdout);
            case "data-protection-key":
                return NoteKeyFiles.WriteDataProtectionKey(CliArgs.Parse(rest, ["out"]), stdout);
            default:
                throw new CliException($"unknown verb 'certs {args[0]}' (dev, ca, csr, issue, crl, log-key, witness-key, data-protection-key; run 'fedctl certs' for usage)", 2);
        }
    }
}

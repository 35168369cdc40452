using System.Security.Cryptography;
using Federation.Cli.Audit;
using Federation.Cli.Certificates;
using Federation.Cli.Hosting;
using Federation.Cli.Lists;

namespace Federation.Cli;

/// <summary>The operator tool. Every verb prints one plain line on error and exits non-zero.</summary>
public static class FedCtl
{
    private const string Usage = """
        usage: fedctl <command> ...
          certs    development PKI, CSRs, issuing and revoking certificates
          list     hash-list releases: pack a CSV, sign, verify, show; publish and read through a node
          sync     ask a node to pull its peers now
          hash     SHA-256, MD5 and PDQ of local files (offline; media never leaves this machine)
          audit    export a node's log for offline verification, with fresh cosignatures; collect the peers' views of it (fedaudit verify);
                   one entry's proof (fedaudit proof)
        run 'fedctl <command>' for its verbs.
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                stdout.WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }
            var rest = args[1..];
            return args[0] switch
            {
                "certs" => CertsCommand.Run(rest, stdout, time),
                "list" => ListCommand.Run(rest, stdout, time),
                "sync" => Sync.SyncCommand.Run(rest, stdout, time),
                "hash" => Hashing.HashCommand.Run(rest, stdout, stderr),
                "audit" => AuditCommand.RunAsync(rest, stdout, time).GetAwaiter().GetResult(),
                _ => throw new CliException($"unknown command '{args[0]}' (run 'fedctl --help')", 2),
            };
        }
        catch (CliException e)
        {
            stderr.WriteLine($"fedctl: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or FormatException or HttpRequestException
            or System.Text.Json.JsonException or TaskCanceledException)
        {
            stderr.WriteLine($"fedctl: {e.Message}");
            return 1;
        }
    }
}

using Federation.Auditor.Verify;

namespace Federation.Auditor;

/// <summary>The offline verifier, <c>fedaudit</c>. Exit codes: 0 everything holds, 1 a check failed (the first
/// problem is printed), 2 usage.</summary>
public static class Auditor
{
    private const string Usage = """
        usage: fedaudit <command> ...
          verify <bundle dir> --trust <dir> [--quorum k]
                 check an audit export (fedctl audit export) offline: every entry, the Merkle tree, every checkpoint's
                 log signature, consistency between checkpoints, and at least k witness cosignatures on the latest.
                 The trust directory holds the node's agency CA certificate (*.crt, *.pem) and the witnesses'
                 verifier keys (*.vkey); a log key may be given there as a .vkey instead of the CA.
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        return args[0] switch
        {
            "verify" => VerifyCommand.Run(args[1..], stdout, stderr, time),
            _ => UsageError(stderr, $"unknown command '{args[0]}'"),
        };
    }

    internal static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine($"fedaudit: {message}");
        stderr.WriteLine(Usage);
        return 2;
    }
}

using Federation.Auditor.Descriptors;
using Federation.Auditor.Hosting;
using VerifyCommand = Federation.Auditor.Verify.VerifyCommand;

namespace Federation.Auditor;

/// <summary>
/// The offline verifier. Each verb prints one line: a summary on stdout and exit 0 when everything verifies, or
/// <c>fedaudit: &lt;reason&gt;: &lt;detail&gt;</c> on stderr and exit 1; usage errors exit 2.
/// </summary>
public static class Auditor
{
    private const string Usage = """
        usage: fedaudit <verb> ...
          descriptor <file.p7s> --ca <ca.crt> --node <node-id> [--origin <log-origin>]
                 verify a node's signed descriptor; its log key must be named --origin (default federation.node/<node-id>/log)
          verify <bundle dir> --trust <dir> [--quorum k] [--fresh-since <RFC 3339 time>] [--witnessed <dir>] [--report <file.html>]
                 check an audit export (fedctl audit export) offline: every entry, the Merkle tree, every checkpoint's
                 log signature, consistency between checkpoints, and cosignatures by at least k distinct trusted
                 witness keys on the latest. --fresh-since T (the time you asked for the export, e.g.
                 2026-12-07T16:00:00Z): those k cosignatures must be timestamped at or after T, else witness-stale.
                 --witnessed <dir> (fedctl audit witnesses): each <peer>.checkpoint there must be the log's checkpoint
                 cosigned by a trusted witness, no larger than the bundle's latest (witnessed-larger) and with the
                 bundle's root at its size (witnessed-inconsistent).
                 The trust directory holds each agency CA named after the one node it vouches for (<node-id>.crt or
                 .pem, e.g. kr-knpa.crt), optionally its CRL (<node-id>.crl), and the witnesses' verifier keys (*.vkey);
                 a log key may be given there as a .vkey instead of the CA. Envelopes signed by peers (releases and
                 messages received) need those peers' CAs too. --report writes a self-contained HTML report (what
                 was verified, the trust used, entries per event type, the checkpoints and their witnesses, and the
                 first failure with its reason), also when verification fails; the exit code is unchanged.
          proof <file.tlog-proof> --trust <dir> [--quorum k] [--fresh-since <RFC 3339 time>]
                 check a one-entry proof (fedctl audit proof, c2sp.org/tlog-proof@v1) offline: the log key, the
                 checkpoint's log signature, k distinct trusted witness cosignatures (timestamped at or after
                 --fresh-since), the entry in its extra against its leaf, the inclusion proof and the envelope; then
                 print what the entry is (kind, stream, time, signer).
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        if (args.Length == 0)
        {
            stderr.WriteLine(Usage);
            return 2;
        }
        if (args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine(Usage);
            return 0;
        }
        try
        {
            return args[0] switch
            {
                "descriptor" => DescriptorCommand.Run(args[1..], stdout, time),
                "verify" => VerifyCommand.Run(args[1..], stdout, stderr, time),
                "proof" => Verify.ProofCommand.Run(args[1..], stdout, stderr, time),
                _ => throw new UsageException($"unknown verb '{args[0]}' (run 'fedaudit --help')"),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"fedaudit: {OneLine(e.Message)}");
            return 2;
        }
        catch (AuditFailure e)
        {
            stderr.WriteLine($"fedaudit: {e.Reason}: {OneLine(e.Detail)}");
            return 1;
        }
    }

    internal static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine($"fedaudit: {OneLine(message)}");
        return 2;
    }

    // Details quote exception messages and peer-controlled names: keep them to one line.
    private static string OneLine(string text) => Printable.Escape(text);
}

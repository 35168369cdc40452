using Federation.Cli.Hosting;

namespace Federation.Cli.Audit;

/// <summary><c>fedctl audit export</c>: download a node's log as a bundle that <c>fedaudit verify</c> checks offline;
/// <c>fedctl audit witnesses</c>: collect the peers' own views of it for <c>fedaudit verify --witnessed</c>; <c>fedctl audit
/// proof</c>: one entry's proof, which <c>fedaudit proof</c> checks.</summary>
public static class AuditCommand
{
    public const string Usage = """
        fedctl audit export --node <agency-url> --cert <auditor.crt> --key <auditor.key> --out <dir> --justification <why> [--ca <node-ca.crt>] [--no-fresh]
            (First the node signs a checkpoint now and every peer is asked to cosign it now; the export is anchored on
             it and who cosigned or refused is printed. Verify with fedaudit verify --fresh-since <the time you asked>.
             --no-fresh exports up to the node's latest checkpoint instead.
             --ca pins the node's agency CA for the TLS connection; without it the system trust store is used.
             Every request is a consultation: the node records it with the justification.)
        fedctl audit witnesses --node <agency-url> --cert <auditor.crt> --key <auditor.key> --out <dir> --justification <why> [--ca <node-ca.crt>]
            (The node asks each peer for the latest checkpoint of its log that the peer, as a witness, accepted, and
             each answer is written as served to <dir>/<peer-node-id>.checkpoint, cosigned by that peer; check them
             offline with fedaudit verify <bundle> --witnessed <dir>.)
        fedctl audit proof --node <agency-url> --cert <auditor.crt> --key <auditor.key> --index <i> --out <file.tlog-proof> --justification <why> [--ca <node-ca.crt>]
            (a c2sp.org/tlog-proof@v1 of entry i against the node's latest checkpoint, the entry in its extra;
             check it offline with fedaudit proof)
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TimeProvider time)
    {
        if (args.Length == 0) throw new CliException("usage:\n" + Usage, 2);
        return args[0] switch
        {
            "export" => await AuditExport.RunAsync(CliArgs.Parse(args[1..], ["node", "cert", "key", "out", "justification", "ca"], ["no-fresh"]), stdout, time),
            "witnesses" => await AuditWitnesses.RunAsync(CliArgs.Parse(args[1..], ["node", "cert", "key", "out", "justification", "ca"]), stdout, time),
            "proof" => await AuditProof.RunAsync(CliArgs.Parse(args[1..], ["node", "cert", "key", "out", "justification", "ca", "index"]), stdout, time),
            _ => throw new CliException($"unknown verb 'audit {args[0]}'\nusage:\n{Usage}", 2),
        };
    }
}

using System.Text;
using Federation.Core.Audit;
using Federation.Core.Ledger;
using Federation.Cli;

namespace Federation.Node.Tests.Support;

/// <summary>Runs <c>fedctl audit proof</c> and <c>fedaudit proof</c> in-process, as an auditor would on the command line,
/// and alters proofs the ways an attacker could.</summary>
public sealed class ProofRun : IDisposable
{
    private readonly AuditRun _trust;

    public ProofRun(string node, params string[] witnesses) => _trust = new AuditRun(node, witnesses);

    public string Trust => _trust.Trust;

    /// <summary>A file in this run's folder.</summary>
    public string File(string name) => Path.Combine(_trust.Bundle, name);

    public (int Exit, string Out, string Err) Fetch(TestNode node, ulong index, string file, string justification = "court order 2026/17: was this release logged?") =>
        Run((o, e) => FedCtl.Run(["audit", "proof", "--node", node.AgencyUrl.ToString(),
            "--cert", Repo.CertsDev(node.NodeId, "auditor.crt"), "--key", Repo.CertsDev(node.NodeId, "auditor.key"),
            "--ca", Repo.CertsDev(node.NodeId, "ca.crt"), "--index", index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--out", file, "--justification", justification], o, e, TimeProvider.System));

    public (int Exit, string Out, string Err) Verify(string file, int quorum = 0, string? freshSince = null) =>
        Run((o, e) => Federation.Auditor.Auditor.Run(
            ["proof", file, "--trust", Trust, "--quorum", quorum.ToString(System.Globalization.CultureInfo.InvariantCulture),
                .. freshSince is null ? Array.Empty<string>() : ["--fresh-since", freshSince]], o, e, TimeProvider.System));

    /// <summary>Writes <paramref name="proof"/> with its entry in extra changed by <paramref name="alter"/>.</summary>
    public static TlogProof WithEntry(TlogProof proof, Func<ProofEntry, ProofEntry> alter) =>
        TlogProof.Create(proof.Index, proof.Proof, proof.Checkpoint, alter(ProofEntry.Decode(proof.Extra)).Encode(), hasExtra: true);

    public static TlogProof Read(string file) => TlogProof.Parse(System.IO.File.ReadAllBytes(file));

    public string Write(string name, string text)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    private static (int, string, string) Run(Func<TextWriter, TextWriter, int> run)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        var exit = run(o, e);
        return (exit, o.ToString(), e.ToString());
    }

    public void Dispose() => _trust.Dispose();
}

using Federation.Cli;

namespace Federation.Node.Tests.Support;

/// <summary>Runs <c>fedctl audit export</c> against a test node as its auditor, and <c>fedaudit verify</c> on the result,
/// in-process, as an auditor would on the command line.</summary>
public sealed class AuditRun : IDisposable
{
    public string Bundle { get; } = Directory.CreateTempSubdirectory("fed-bundle-").FullName;
    public string Trust { get; } = Directory.CreateTempSubdirectory("fed-trust-").FullName;

    /// <param name="witnesses">Nodes whose witness keys the auditor trusts.</param>
    public AuditRun(string node, params string[] witnesses)
    {
        // The trust directory's layout: each agency CA named after the node it vouches for, witness keys as *.vkey.
        File.Copy(Repo.CertsDev(node, "ca.crt"), Path.Combine(Trust, $"{node}.crt"));
        foreach (var w in witnesses) File.Copy(Repo.CertsDev(w, "witness.vkey"), Path.Combine(Trust, $"{w}-witness.vkey"));
    }

    public (int Exit, string Out, string Err) Export(TestNode node, string justification = "annual audit of the exchange log") =>
        Run((o, e) => FedCtl.Run(["audit", "export", "--node", node.AgencyUrl.ToString(),
            "--cert", Repo.CertsDev(node.NodeId, "auditor.crt"), "--key", Repo.CertsDev(node.NodeId, "auditor.key"),
            "--ca", Repo.CertsDev(node.NodeId, "ca.crt"), "--out", Bundle, "--justification", justification], o, e, TimeProvider.System));

    public (int Exit, string Out, string Err) Verify(int quorum = 0) =>
        Run((o, e) => Federation.Auditor.Auditor.Run(["verify", Bundle, "--trust", Trust, "--quorum", quorum.ToString(System.Globalization.CultureInfo.InvariantCulture)], o, e, TimeProvider.System));

    private static (int, string, string) Run(Func<TextWriter, TextWriter, int> run)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        var exit = run(o, e);
        return (exit, o.ToString(), e.ToString());
    }

    public void Dispose()
    {
        Directory.Delete(Bundle, recursive: true);
        Directory.Delete(Trust, recursive: true);
    }
}

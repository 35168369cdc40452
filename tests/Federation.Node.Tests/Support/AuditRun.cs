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

    /// <summary>The peers' own views, from <c>fedctl audit witnesses</c>.</summary>
    public string Witnessed { get; } = Directory.CreateTempSubdirectory("fed-witnessed-").FullName;

    /// <param name="fresh">False: <c>--no-fresh</c>, anchored on the node's latest checkpoint rather than one signed for the export.</param>
    public (int Exit, string Out, string Err) Export(TestNode node, string justification = "annual audit of the exchange log", bool fresh = true) =>
        Run((o, e) => FedCtl.Run([.. Auditor(node, "export", Bundle, justification), .. fresh ? Array.Empty<string>() : ["--no-fresh"]], o, e, TimeProvider.System));

    public (int Exit, string Out, string Err) Witnesses(TestNode node, string justification = "the peers' view of the exchange log") =>
        Run((o, e) => FedCtl.Run(Auditor(node, "witnesses", Witnessed, justification), o, e, TimeProvider.System));

    /// <param name="freshSince">RFC 3339; the latest checkpoint's quorum must have cosigned at or after it.</param>
    /// <param name="witnessed">Check the bundle against the views in <see cref="Witnessed"/>.</param>
    public (int Exit, string Out, string Err) Verify(int quorum = 0, string? freshSince = null, bool witnessed = false) =>
        Run((o, e) => Federation.Auditor.Auditor.Run([
            "verify", Bundle, "--trust", Trust, "--quorum", quorum.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. freshSince is null ? Array.Empty<string>() : ["--fresh-since", freshSince],
            .. witnessed ? ["--witnessed", Witnessed] : Array.Empty<string>()], o, e, TimeProvider.System));

    /// <summary>Now, to the second, as an auditor writes down when they asked for the export.</summary>
    public static string Now() => DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static string[] Auditor(TestNode node, string verb, string dir, string justification) =>
        ["audit", verb, "--node", node.AgencyUrl.ToString(),
            "--cert", Repo.CertsDev(node.NodeId, "auditor.crt"), "--key", Repo.CertsDev(node.NodeId, "auditor.key"),
            "--ca", Repo.CertsDev(node.NodeId, "ca.crt"), "--out", dir, "--justification", justification];

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
        Directory.Delete(Witnessed, recursive: true);
    }
}

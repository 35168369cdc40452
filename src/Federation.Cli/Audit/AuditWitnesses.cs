using System.Net.Http.Json;
using System.Text;
using Federation.Cli.Hosting;
using Federation.Core.Audit;
using Federation.Core.Identity;

namespace Federation.Cli.Audit;

/// <summary>
/// <c>fedctl audit witnesses</c>: through the node's agency API (auditor role), each peer's own view of the node's log —
/// the latest checkpoint it accepted as a witness, cosigned by it — written as served to <c>&lt;out&gt;/&lt;peer&gt;.checkpoint</c>.
/// The node relays the answers but cannot forge a peer's cosignature; <c>fedaudit verify --witnessed</c> checks them
/// offline. A peer that gave no view is named on stdout and in <c>unanswered.txt</c>, with what it said.
/// </summary>
internal static class AuditWitnesses
{
    public const string UnansweredFile = "unanswered.txt";

    private sealed record View(string Witness, int? Status, string? Checkpoint, string? Detail);

    public static async Task<int> RunAsync(CliArgs a, TextWriter stdout, TimeProvider time)
    {
        var node = new Uri(a.Required("node").TrimEnd('/') + "/");
        var outDir = a.Required("out");
        var justification = a.Required("justification");
        using var http = AuditExport.Client(node, a.Required("cert"), a.Required("key"), a.Optional("ca"), time);
        http.DefaultRequestHeaders.Add("X-Justification", Uri.EscapeDataString(justification));
        var views = await AuditExport.Get(http, "api/v1/log/witnessed", r => r.ReadFromJsonAsync<List<View>>(AuditBundle.Json)) ?? [];
        Directory.CreateDirectory(outDir);

        var unanswered = new List<string>();
        foreach (var view in views)
        {
            // The name becomes a file name: only a node id, never a path.
            if (!NodeId.TryParse(view.Witness, out var witness))
            {
                unanswered.Add($"{AuditExport.Printable(view.Witness)}: not a node id; not written");
                continue;
            }
            if (view is { Status: 200, Checkpoint: { } note })
            {
                await File.WriteAllTextAsync(Path.Combine(outDir, $"{witness.Value}.checkpoint"), note, new UTF8Encoding(false));
                stdout.WriteLine($"{witness.Value}: wrote {witness.Value}.checkpoint");
            }
            else unanswered.Add($"{witness.Value}: {(view.Status is { } s ? $"HTTP {s} " : "")}{AuditExport.Printable(view.Detail ?? "")}");
        }
        foreach (var line in unanswered) stdout.WriteLine($"no view: {line}");
        await File.WriteAllLinesAsync(Path.Combine(outDir, UnansweredFile), unanswered, new UTF8Encoding(false));
        stdout.WriteLine($"wrote {outDir}: {views.Count - unanswered.Count} of {views.Count} peers' views; check them with fedaudit verify <bundle> --trust <dir> --witnessed {outDir}");
        return 0;
    }
}

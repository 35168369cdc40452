using System.Globalization;
using Federation.Cli.Hosting;
using Federation.Core.Ledger;

namespace Federation.Cli.Audit;

/// <summary>
/// Downloads a one-entry proof (C2SP tlog-proof v1) through the node's agency API as its auditor, and writes it as
/// served: only the form is checked here, so a refusal names the file's defect; whether it proves anything is for
/// <c>fedaudit proof</c>, offline.
/// </summary>
internal static class AuditProof
{
    public static async Task<int> RunAsync(CliArgs a, TextWriter stdout, TimeProvider time)
    {
        var node = new Uri(a.Required("node").TrimEnd('/') + "/");
        var indexText = a.Required("index");
        if (!ulong.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            throw new CliException($"--index: '{indexText}' is not a whole number", 2);
        var outFile = a.Required("out");
        using var http = AuditExport.Client(node, a.Required("cert"), a.Required("key"), a.Optional("ca"), time);
        http.DefaultRequestHeaders.Add("X-Justification", Uri.EscapeDataString(a.Required("justification")));
        var bytes = await AuditExport.Get(http, $"api/v1/log/proof?index={index}", r => r.ReadAsByteArrayAsync());
        TlogProof proof;
        try { proof = TlogProof.Parse(bytes); }
        catch (TlogProofFormatException e) { throw new CliException($"{node}: the node served no valid tlog-proof ({e.Reason}: {e.Message})"); }
        await File.WriteAllBytesAsync(outFile, bytes);
        var checkpoint = proof.Checkpoint.Checkpoint;
        stdout.WriteLine($"wrote {outFile}: entry {proof.Index} of {checkpoint.Origin}, checkpoint size {checkpoint.Size}, {proof.Checkpoint.Signatures.Length} signatures; " +
            $"check it offline with fedaudit proof {outFile} --trust <dir>");
        return 0;
    }
}

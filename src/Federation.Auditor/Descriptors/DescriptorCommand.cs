using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Auditor.Hosting;
using Federation.Core.Descriptors;
using Federation.Core.Identity;
using Federation.Core.Pki;

namespace Federation.Auditor.Descriptors;

/// <summary>
/// <c>fedaudit descriptor &lt;file.p7s&gt; --ca &lt;ca.crt&gt; --node &lt;node-id&gt;</c>: checks a node's signed
/// descriptor (the DER envelope served at <c>GET /federation/v1/node</c>) against that agency's CA, with the same
/// verifier a peer node uses, at the current time. <c>--origin</c> names the log origin the node's log key must carry
/// when that node pinned another than its default <c>federation.node/&lt;node-id&gt;/log</c>.
/// </summary>
internal static class DescriptorCommand
{
    public static int Run(string[] args, TextWriter stdout, TimeProvider time)
    {
        var a = Arguments.Parse(args, ["ca", "node", "origin"]);
        var file = a.SinglePositional("<file.p7s>");
        var caPath = a.Required("ca");
        var nodeText = a.Required("node");
        if (!NodeId.TryParse(nodeText, out var node)) throw new UsageException($"--node: '{nodeText}' is not a valid node id");

        var envelope = Read(file);
        using var ca = LoadCa(caPath);
        var result = DescriptorVerifier.Verify(envelope, node, new TrustAnchor(ca), time.GetUtcNow(), a.Optional("origin"));
        if (!result.Valid) throw new AuditFailure(result.Reason!, result.Detail);

        var d = result.Descriptor!;
        stdout.WriteLine($"ok: {d.NodeId} \"{Printable.Escape(d.DisplayName)}\" signed by {Printable.Escape(result.Signer!.Subject)}");
        return 0;
    }

    private static byte[] Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AuditFailure(AuditFailure.InputUnreadable, $"{path}: {e.Message}");
        }
    }

    private static X509Certificate2 LoadCa(string path)
    {
        if (!File.Exists(path)) throw new AuditFailure(AuditFailure.InputUnreadable, $"{path}: no such file");
        try
        {
            return PemFiles.LoadCertificate(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new AuditFailure(AuditFailure.CaUnreadable, $"{path}: {e.Message}");
        }
    }
}

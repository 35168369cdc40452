using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Core.Pki;

namespace Federation.Auditor.Verify;

/// <summary>
/// What the auditor trusts, from a directory. Each agency CA is named after the one node it vouches for,
/// <c>&lt;node-id&gt;.crt</c> (or <c>.pem</c>), optionally with that CA's CRL as <c>&lt;node-id&gt;.crl</c> (DER or PEM); C2SP
/// verifier keys are <c>*.vkey</c>, one per file: witness keys (cosignature/v1) and, optionally, log keys (Ed25519).
/// A CA vouches only for its node: a signature "by kr-knpa" under another trusted agency's CA is refused, since any
/// agency can issue a certificate naming any node. A CA file not named after a node is refused, not guessed at.
/// </summary>
public sealed record TrustDirectory(IReadOnlyDictionary<NodeId, TrustedNode> Nodes, IReadOnlyList<NoteVerifier> Keys)
{
    public const string Layout = "<node-id>.crt (the agency CA that vouches for that node, e.g. kr-knpa.crt), <node-id>.crl (its CRL, optional) and *.vkey (witness and log keys)";

    /// <summary>The trust directory does not follow <see cref="Layout"/>.</summary>
    public const string LayoutReason = "trust-layout";

    public IEnumerable<NoteVerifier> WitnessKeys => Keys.Where(k => k.Type == NoteKeyType.CosignatureV1);

    public static TrustDirectory Load(string dir)
    {
        var nodes = new Dictionary<NodeId, TrustedNode>();
        var keys = new List<NoteVerifier>();
        var files = Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            var extension = Path.GetExtension(file);
            try
            {
                if (extension is ".crt" or ".pem")
                {
                    var node = NodeOf(name);
                    if (nodes.ContainsKey(node)) throw Refused(name, $"a second CA file for {node}");
                    nodes[node] = new TrustedNode(node, PemFiles.LoadCertificate(file), null);
                }
                else if (extension == ".vkey") keys.Add(NoteVerifier.Parse(File.ReadAllText(file).Trim()));
            }
            catch (Exception e) when (e is CryptographicException or FormatException)
            {
                throw new AuditFailure($"trust file {name}", "a PEM CA certificate or a C2SP verifier key", e.Message);
            }
        }
        foreach (var file in files.Where(f => Path.GetExtension(f) == ".crl"))
        {
            var name = Path.GetFileName(file);
            var node = NodeOf(name);
            if (!nodes.TryGetValue(node, out var trusted)) throw Refused(name, $"a CRL with no {node}.crt beside it");
            try { nodes[node] = trusted with { Crl = RevocationList.Load(BoundedFile.Read(file, BoundedFile.MaxCrlBytes, $"trust file {name}"), trusted.Ca) }; }
            catch (CryptographicException e)
            {
                throw new AuditFailure($"trust file {name}", $"a CRL signed by {node}'s CA {trusted.Ca.Subject}", e.Message);
            }
        }
        return new TrustDirectory(nodes, keys);
    }

    public TrustedNode? For(NodeId node) => Nodes.TryGetValue(node, out var trusted) ? trusted : null;

    public string Describe() => Nodes.Count == 0 ? "no CA" : "CAs for " + string.Join(", ", Nodes.Keys.Select(n => n.Value).Order(StringComparer.Ordinal));

    private static NodeId NodeOf(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName);
        // The old layout (kr-knpa-ca.crt, ca.crt) bound a CA to no node; "kr-knpa-ca" is itself a valid node id, so
        // reading it either way would be a guess.
        if (stem.EndsWith("-ca", StringComparison.Ordinal) && NodeId.TryParse(stem[..^3], out var old))
            throw Refused(fileName, $"the old layout; rename it {old}{Path.GetExtension(fileName)} if it is {old}'s agency CA");
        // ca.crt is how every agency's CA is named in its own certificate folder, so it names no node here.
        if (stem == "ca") throw Refused(fileName, "the old layout; rename it <node-id>.crt after the node whose agency CA it is");
        return NodeId.TryParse(stem, out var node) ? node : throw Refused(fileName, "a file not named after a node");
    }

    private static AuditFailure Refused(string fileName, string found) =>
        new($"trust file {fileName}", Layout, found, LayoutReason);
}

/// <summary>The agency CA trusted for one node, and its CRL if the auditor was given one.</summary>
public sealed record TrustedNode(NodeId Node, X509Certificate2 Ca, RevocationList? Crl);

using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Core.Identity;

/// <summary>
/// The identity of one agency's node, such as <c>kr-knpa</c>. It is bound into certificates as the URI SAN
/// <c>urn:federation:node:&lt;id&gt;</c>; a node id is never taken from a CN or from a payload field alone.
/// </summary>
public readonly record struct NodeId
{
    public const string UriPrefix = "urn:federation:node:";

    public string Value { get; }

    private NodeId(string value) => Value = value;

    /// <summary>Lower-case letters, digits and single hyphens, 2 to 63 characters, starting with a letter.</summary>
    public static NodeId Parse(string value) =>
        TryParse(value, out var id) ? id : throw new FormatException($"'{value}' is not a valid node id (lower-case letters, digits and '-', 2-63 characters, starting with a letter)");

    public static bool TryParse([NotNullWhen(true)] string? value, out NodeId id)
    {
        id = default;
        if (value is null || value.Length is < 2 or > 63 || value[0] is < 'a' or > 'z' || value[^1] == '-')
            return false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var ok = c is >= 'a' and <= 'z' or >= '0' and <= '9' || (c == '-' && value[i - 1] != '-');
            if (!ok) return false;
        }
        id = new NodeId(value);
        return true;
    }

    public string ToUri() => UriPrefix + Value;

    /// <summary>The node id named by a certificate's URI SAN, if it has exactly one <c>urn:federation:node:</c> URI.</summary>
    public static NodeId? FromCertificate(X509Certificate2 certificate)
    {
        NodeId? found = null;
        foreach (var uri in CertificateNames.UriSans(certificate))
        {
            if (!uri.StartsWith(UriPrefix, StringComparison.Ordinal)) continue;
            if (found is not null || !TryParse(uri[UriPrefix.Length..], out var id)) return null; // ambiguous or malformed
            found = id;
        }
        return found;
    }

    public override string ToString() => Value ?? "";
}

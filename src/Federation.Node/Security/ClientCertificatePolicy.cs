using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Identity;
using Federation.Core.Pki;
using Federation.Node.Hosting;

namespace Federation.Node.Security;

/// <summary>
/// Who may call which face. Runs twice: at the TLS handshake (a certificate that chains to none of the face's CAs
/// never gets an HTTP request through) and on every request (identity, pinned CA of that very peer, CRL, current
/// configuration), so a peer removed by a configuration reload loses access even on an open connection.
/// </summary>
public static class ClientCertificatePolicy
{
    public const string PeerClaim = "federation:peer";
    public const string PersonClaim = "federation:person";

    /// <summary>The handshake check: chains to one of the anchors this face trusts, in validity, clientAuth.</summary>
    public static CertificateCheck Precheck(NodeSettings settings, NodeFace face, X509Certificate2 cert, DateTimeOffset now)
    {
        var anchors = face == NodeFace.Federation ? settings.Peers.Values.Select(p => p.Anchor) : [settings.OwnAnchor];
        CertificateCheck? first = null;
        foreach (var anchor in anchors)
        {
            var check = PinnedChain.Check(cert, anchor with { Crl = null, CrlUrl = null }, now, PinnedChain.ClientAuth);
            if (check.Accepted) return check;
            first ??= check;
            // A chain that reached this anchor but failed for time or usage is the precise reason; keep looking
            // only while the failure is "not this CA".
            if (check.Reason != RejectionReasons.ChainUntrusted) first = check;
        }
        return first ?? CertificateCheck.Refused(RejectionReasons.ChainUntrusted, $"{cert.Subject}: no CA is trusted on this port");
    }

    /// <summary>A peer node on the federation face: its URI SAN names a configured peer and the certificate chains
    /// to that peer's pinned CA — not merely to some trusted CA.</summary>
    public static (CertificateCheck Check, NodeId? Peer) AuthorizePeer(NodeSettings settings, X509Certificate2? cert, DateTimeOffset now)
    {
        if (cert is null) return (CertificateCheck.Refused(RejectionReasons.CertificateMissing, "no client certificate was presented"), null);
        if (NodeId.FromCertificate(cert) is not { } id)
            return (CertificateCheck.Refused(RejectionReasons.NoNodeIdentity, $"{cert.Subject} names no node ({NodeId.UriPrefix}<id>)"), null);
        if (!settings.Peers.TryGetValue(id, out var peer))
            return (CertificateCheck.Refused(RejectionReasons.PeerNotConfigured, $"{id} is not a configured peer"), null);
        var check = PinnedChain.Check(cert, peer.Anchor, now, PinnedChain.ClientAuth);
        return check.Accepted ? (check, id) : (check, null);
    }

    /// <summary>A person on the agency face: this agency's CA, a person URI (not a node's), and roles configured for it.</summary>
    public static (CertificateCheck Check, string? Person, ImmutableHashSet<string> Roles) AuthorizePerson(NodeSettings settings, X509Certificate2? cert, DateTimeOffset now)
    {
        if (cert is null) return (CertificateCheck.Refused(RejectionReasons.CertificateMissing, "no client certificate was presented"), null, []);
        var check = PinnedChain.Check(cert, settings.OwnAnchor, now, PinnedChain.ClientAuth);
        if (!check.Accepted) return (check, null, []);
        if (NodeId.FromCertificate(cert) is not null || PersonId.FromCertificate(cert) is not { } person)
            return (CertificateCheck.Refused(RejectionReasons.NotAPerson, $"{cert.Subject} is not a person's certificate"), null, []);
        if (!settings.People.TryGetValue(person, out var roles) || roles.IsEmpty)
            return (CertificateCheck.Refused(RejectionReasons.PersonNotConfigured, $"{person} has no role on this node"), null, []);
        return (check, person, roles);
    }
}

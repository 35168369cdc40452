using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Identity;
using Federation.Core.Pki;

namespace Federation.Node.Hosting;

/// <summary>A node's validated configuration, with its certificates loaded. Immutable: a reload builds a new one.</summary>
public sealed record NodeSettings(
    NodeId NodeId,
    string DisplayName,
    string Jurisdiction,
    string ListenAddress,
    int FederationPort,
    int AgencyPort,
    int HealthPort,
    string PublicFederationUrl,
    string ConnectionString,
    string? OwnerConnectionString,
    string Schema,
    TrustAnchor OwnAnchor,
    X509Certificate2 TlsCertificate,
    X509Certificate2 ClientCertificate,
    X509Certificate2 SigningCertificate,
    ImmutableDictionary<NodeId, PeerSettings> Peers,
    ImmutableDictionary<string, ImmutableHashSet<string>> People,
    TimeSpan PeerRefreshInterval,
    TimeSpan PeerSyncInterval,
    TimeSpan ArchiveAfter,
    CrlFetching CrlFetching,
    DataProtectionKey DataProtectionKey)
{
    /// <summary>The person URIs of the people holding any of <paramref name="roles"/>, in a stable order (whom an escalation tells).</summary>
    public List<string> PeopleWith(params string[] roles) =>
        People.Where(p => p.Value.Overlaps(roles)).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
}

/// <summary>How distribution points are read (<c>Node:Certificates:CrlFetchTimeoutSeconds</c>, <c>CrlMaxBytes</c>): each
/// fetch is bounded in time and size, so one slow or hostile distribution point costs only its own CA's CRL.</summary>
public sealed record CrlFetching(TimeSpan Timeout, long MaxBytes)
{
    public static readonly CrlFetching Default = new(TimeSpan.FromSeconds(10), 10 * 1024 * 1024);
}

/// <summary>One peer as this node pins it: its id, where to reach it, the only CA accepted for it, and the only log
/// origin it may publish and have witnessed (<c>federation.node/&lt;peer-id&gt;/log</c> unless pinned otherwise).</summary>
public sealed record PeerSettings(NodeId NodeId, Uri BaseUrl, TrustAnchor Anchor, string LogOrigin);

/// <summary>The roles a person may hold on the agency API.</summary>
public static class Roles
{
    public const string Officer = "officer";
    public const string Supervisor = "supervisor";
    public const string Operator = "operator";
    public const string Auditor = "auditor";
    /// <summary>Handles requests received from peers (the requested side's file owner).</summary>
    public const string CaseHandler = "case-handler";
    /// <summary>The 24/7 point of contact: acknowledges and handles emergencies, told when clocks run down.</summary>
    public const string DutyOfficer = "duty-officer";
    /// <summary>A judge or prosecutor who validates requests the procedure profile says need it.</summary>
    public const string Validator = "validator";

    public static readonly ImmutableHashSet<string> All = [Officer, Supervisor, Operator, Auditor, CaseHandler, DutyOfficer, Validator];
}

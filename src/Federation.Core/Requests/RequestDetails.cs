namespace Federation.Core.Requests;

/// <summary>
/// One version of what a request asks : the fields an officer drafts and edits. Which of
/// them must be present depends on the <see cref="ProcedureProfile"/>, the type and the priority
/// (<see cref="ProcedureProfile.MissingFields"/>). Evidence is never carried: only references to it.
/// </summary>
public sealed record RequestDetails
{
    public string? IssuingAuthority { get; init; }
    /// <summary>What the offence is.</summary>
    public string? Description { get; init; }
    public IReadOnlyList<string>? LegalProvisions { get; init; }
    /// <summary>E.g. deepfake-ncii, ncii, csam, sextortion.</summary>
    public string? OffenceCategory { get; init; }
    /// <summary>Restricted: for authorities, never passed on to providers (EPOC Art 9(3)).</summary>
    public string? FactsSummary { get; init; }
    public string? NecessityProportionality { get; init; }
    public string? ServiceProvider { get; init; }
    public IReadOnlyList<TargetIdentifier>? Identifiers { get; init; }
    public IReadOnlyList<DataCategory>? DataCategories { get; init; }
    public DateTimeOffset? TimeFrom { get; init; }
    public DateTimeOffset? TimeTo { get; init; }
    /// <summary>life, physical-integrity, safety or critical-infrastructure; required for emergencies.</summary>
    public string? EmergencyBasis { get; init; }
    public string? EmergencyFacts { get; init; }
    /// <summary>Who holds the data to preserve, or where it is (Budapest 29(2)(d)).</summary>
    public string? Custodian { get; init; }
    /// <summary>A preservation must announce the request for disclosure it prepares (Budapest 29(2)(f)).</summary>
    public bool? FollowUpIntended { get; init; }
    /// <summary>remove, disable-access, geo-block or preserve-then-remove (takedown assistance).</summary>
    public string? RequestedAction { get; init; }
    /// <summary>The authority and decision that found the content illegal (takedown assistance).</summary>
    public string? IllegalityBasis { get; init; }
    /// <summary>Exactly what to look for: hash-list entries or match results by list, release and value.</summary>
    public IReadOnlyList<HashReference>? HashRefs { get; init; }
    /// <summary>The external mutual-legal-assistance file a tracker follows.</summary>
    public string? MlaReference { get; init; }
    /// <summary>H0-H3 handling code; travels with the request.</summary>
    public string? HandlingCode { get; init; }
}

/// <summary>A target of a request: account, username, user-id, url, ip (with port, time and zone), phone, email…</summary>
public sealed record TargetIdentifier(string Kind, string Value);

/// <summary>A hash-list entry or match result a request points at: the list, the release it was in, its signal and value.</summary>
public sealed record HashReference(string List, long Release, string Signal, string Value);

/// <summary>How two cases relate (<c>related[]</c>).</summary>
public sealed record CaseLink(string Relation, CaseRef Case)
{
    public const string FollowsPreservation = "follows-preservation";
    public const string Supersedes = "supersedes";
    public const string DuplicateOf = "duplicate-of";
    public const string LinkedMla = "linked-mla";

    public static readonly IReadOnlySet<string> Relations = new HashSet<string> { FollowsPreservation, Supersedes, DuplicateOf, LinkedMla };
}

/// <summary>One item of a response: evidence referenced by its SHA-256 and size, never carried (P4).</summary>
public sealed record ManifestItem(string Sha256, long Size, string Label, DataCategory? Category = null, string? Locator = null);

/// <summary>What the requested side produced; <see cref="PartialReason"/> says why anything is missing.</summary>
public sealed record ResponseManifest(IReadOnlyList<ManifestItem> Items, string? PartialReason = null);

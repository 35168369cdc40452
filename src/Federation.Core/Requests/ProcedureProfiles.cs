using System.Diagnostics.CodeAnalysis;

namespace Federation.Core.Requests;

/// <summary>
/// The procedure profiles a node knows, by legal basis code (docs/requests.md, "Procedure profiles"). Figures are the
/// instruments' own where they set one; where they say "without undue delay" the figure is a stated policy
/// (docs/requests.md lists which is which).
/// </summary>
public static class ProcedureProfiles
{
    private static TimeSpan Hours(int h) => TimeSpan.FromHours(h);
    private static TimeSpan Days(int d) => TimeSpan.FromDays(d);

    private static readonly HashSet<RefusalGround> EvidenceGrounds =
    [
        RefusalGround.ImmunityPrivilege, RefusalGround.PressFreedom, RefusalGround.FundamentalRights, RefusalGround.NeBisInIdem,
        RefusalGround.NoDualCriminality, RefusalGround.DataNotHeld, RefusalGround.DeFactoImpossible,
        RefusalGround.ThirdCountryLawConflict, RefusalGround.Other,
    ];

    private static readonly HashSet<RefusalGround> ConventionGrounds =
    [
        RefusalGround.PoliticalOffence, RefusalGround.SovereigntySecurityOrdrePublic, RefusalGround.NoDualCriminality,
        RefusalGround.PrejudiceInvestigation, RefusalGround.DataNotHeld, RefusalGround.Other,
    ];

    /// <summary>EU e-Evidence as a template: 10 d / 8 h, preservation 60 d + 30 d, validation for traffic and content.</summary>
    public static readonly ProcedureProfile EuEvidence = new(
        "EU:2023/1543", "EU e-Evidence Regulation (EPOC / EPOC-PR) as a template",
        new HashSet<RequestType> { RequestType.Preserve, RequestType.DiscloseSubscriber, RequestType.DiscloseTraffic, RequestType.DiscloseContent, RequestType.EmergencyDisclosure },
        EvidenceGrounds,
        // Art 10(2)/(4): 10 days, 8 hours in an emergency. A preservation order is executed "without undue delay": 24 h policy.
        new ResponseDeadlines(Days(10), Days(10), Hours(8))
        {
            ByType = new Dictionary<RequestType, ResponseDeadlines> { [RequestType.Preserve] = new(Hours(24), Hours(24), Hours(8)) },
        })
    {
        Preservation = new PreservationTerms(Days(60), Days(30)),
        ValidationForTrafficAndContent = true,
        EmergencyBeforeValidation = true,
        ExtraRequiredFields = ["offenceCategory"],
    };

    /// <summary>Budapest Convention Art 29 expedited preservation: at least 60 days; one 30-day extension pending the MLA request.</summary>
    public static readonly ProcedureProfile BudapestPreservation = new(
        "BUDAPEST:29", "Budapest Convention Art 29 expedited preservation",
        new HashSet<RequestType> { RequestType.Preserve },
        ConventionGrounds,
        // "Expedited": 24 h policy, 8 h in an emergency through the 24/7 network (Art 35).
        new ResponseDeadlines(Hours(24), Hours(24), Hours(8)))
    {
        Preservation = new PreservationTerms(Days(60), Days(30)),
    };

    /// <summary>Second Additional Protocol Art 8: subscriber data back within 20 days, traffic data within 45.</summary>
    public static readonly ProcedureProfile BudapestProtocolDisclosure = new(
        "BUDAPEST:SAP:8", "Budapest Second Additional Protocol Art 8 (giving effect to orders)",
        new HashSet<RequestType> { RequestType.DiscloseSubscriber, RequestType.DiscloseTraffic },
        ConventionGrounds,
        new ResponseDeadlines(Days(45), Days(45), Days(45))
        {
            ByType = new Dictionary<RequestType, ResponseDeadlines> { [RequestType.DiscloseSubscriber] = new(Days(20), Days(20), Days(20)) },
        })
    {
        ExtraRequiredFields = ["offenceCategory"],
    };

    /// <summary>Directive 2023/977 Art 5: 8 h for urgent directly accessible information, 3 d urgent, 7 d otherwise.</summary>
    public static readonly ProcedureProfile EuPoliceInformation = new(
        "EU:2023/977", "EU Directive 2023/977 police information exchange",
        new HashSet<RequestType> { RequestType.PoliceInfo, RequestType.SpontaneousInfo },
        new HashSet<RefusalGround>
        {
            RefusalGround.DataNotHeld, RefusalGround.SovereigntySecurityOrdrePublic, RefusalGround.PrejudiceInvestigation,
            RefusalGround.FundamentalRights, RefusalGround.NotCompetent, RefusalGround.Other,
        },
        new ResponseDeadlines(Days(7), Days(3), Hours(8)) { Unclocked = new HashSet<RequestType> { RequestType.SpontaneousInfo } })
    {
        ExtraRequiredFields = ["handlingCode"],
    };

    /// <summary>Regulator-style takedown assistance (KCSC, DSA Art 9 orders): 24 h target, 1 h in an emergency (TCO).</summary>
    public static readonly ProcedureProfile TakedownAssistance = new(
        "TAKEDOWN", "Takedown assistance (KCSC / DSA Art 9 style)",
        new HashSet<RequestType> { RequestType.TakedownAssist },
        new HashSet<RefusalGround> { RefusalGround.NotCompetent, RefusalGround.FundamentalRights, RefusalGround.DeFactoImpossible, RefusalGround.Other },
        new ResponseDeadlines(Hours(24), Hours(24), Hours(1)));

    /// <summary>A tracker for a formal MLA / EIO request handled outside the federation: no response clock here.</summary>
    public static readonly ProcedureProfile MlaTracker = new(
        "MLA:TRACKER", "Tracker for an external mutual legal assistance request",
        new HashSet<RequestType> { RequestType.MlaTracker },
        ConventionGrounds,
        new ResponseDeadlines(null, null, null) { Unclocked = new HashSet<RequestType> { RequestType.MlaTracker } });

    public static readonly IReadOnlyList<ProcedureProfile> All =
        [EuEvidence, BudapestPreservation, BudapestProtocolDisclosure, EuPoliceInformation, TakedownAssistance, MlaTracker];

    public static bool TryFind(string? code, [NotNullWhen(true)] out ProcedureProfile? profile)
    {
        profile = All.FirstOrDefault(p => p.Code == code);
        return profile is not null;
    }

    public static ProcedureProfile Find(string code) =>
        TryFind(code, out var profile) ? profile : throw new KeyNotFoundException($"no procedure profile '{code}'");
}

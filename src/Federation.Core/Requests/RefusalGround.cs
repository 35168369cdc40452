using System.Text.Json.Serialization;

namespace Federation.Core.Requests;

/// <summary>Refusal ground codes (docs/requests.md, "Procedure profiles"); each profile admits a subset.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RefusalGround>))]
public enum RefusalGround
{
    [JsonStringEnumMemberName("immunity-privilege")] ImmunityPrivilege,
    [JsonStringEnumMemberName("press-freedom")] PressFreedom,
    [JsonStringEnumMemberName("fundamental-rights")] FundamentalRights,
    [JsonStringEnumMemberName("ne-bis-in-idem")] NeBisInIdem,
    [JsonStringEnumMemberName("no-dual-criminality")] NoDualCriminality,
    [JsonStringEnumMemberName("political-offence")] PoliticalOffence,
    [JsonStringEnumMemberName("sovereignty-security-ordre-public")] SovereigntySecurityOrdrePublic,
    [JsonStringEnumMemberName("prejudice-investigation")] PrejudiceInvestigation,
    [JsonStringEnumMemberName("data-not-held")] DataNotHeld,
    [JsonStringEnumMemberName("de-facto-impossible")] DeFactoImpossible,
    [JsonStringEnumMemberName("third-country-law-conflict")] ThirdCountryLawConflict,
    [JsonStringEnumMemberName("not-competent")] NotCompetent,
    [JsonStringEnumMemberName("other")] Other,
}

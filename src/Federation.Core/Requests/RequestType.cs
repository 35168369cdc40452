using System.Text.Json.Serialization;

namespace Federation.Core.Requests;

/// <summary>What a cross-border request asks for (docs/requests.md, "Request types"). Wire names are kebab-case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RequestType>))]
public enum RequestType
{
    [JsonStringEnumMemberName("preserve")] Preserve,
    [JsonStringEnumMemberName("disclose-subscriber")] DiscloseSubscriber,
    [JsonStringEnumMemberName("disclose-traffic")] DiscloseTraffic,
    [JsonStringEnumMemberName("disclose-content")] DiscloseContent,
    [JsonStringEnumMemberName("emergency-disclosure")] EmergencyDisclosure,
    [JsonStringEnumMemberName("police-info")] PoliceInfo,
    [JsonStringEnumMemberName("takedown-assist")] TakedownAssist,
    [JsonStringEnumMemberName("spontaneous-info")] SpontaneousInfo,
    [JsonStringEnumMemberName("mla-tracker")] MlaTracker,
}

/// <summary>Urgency of a request; emergency changes deadlines, escalation thresholds and validation order.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Priority>))]
public enum Priority
{
    [JsonStringEnumMemberName("normal")] Normal,
    [JsonStringEnumMemberName("urgent")] Urgent,
    [JsonStringEnumMemberName("emergency")] Emergency,
}

/// <summary>Which party to a case a node is: the one that asks, or the one that is asked.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseSide>))]
public enum CaseSide
{
    [JsonStringEnumMemberName("requesting")] Requesting,
    [JsonStringEnumMemberName("requested")] Requested,
}

/// <summary>The role in which a person (or the node itself) takes a step in a case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseRole>))]
public enum CaseRole
{
    [JsonStringEnumMemberName("officer")] Officer,
    [JsonStringEnumMemberName("supervisor")] Supervisor,
    [JsonStringEnumMemberName("validator")] Validator,
    [JsonStringEnumMemberName("case-handler")] CaseHandler,
    [JsonStringEnumMemberName("duty-officer")] DutyOfficer,
    /// <summary>A data-protection officer or inspector: never takes a transition, may attach signed audit notes.</summary>
    [JsonStringEnumMemberName("auditor")] Auditor,
    /// <summary>The node itself: delivery, expiry, reminders.</summary>
    [JsonStringEnumMemberName("system")] System,
}

/// <summary>What a post-delivery restriction asks of the requesting side.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RestrictionKind>))]
public enum RestrictionKind
{
    /// <summary>Keep the data, use it no further until told otherwise.</summary>
    [JsonStringEnumMemberName("use-restricted")] UseRestricted,
    /// <summary>Delete the data and confirm it, signed.</summary>
    [JsonStringEnumMemberName("must-delete")] MustDelete,
}

/// <summary>Categories of data a disclosure asks for (e-Evidence Art 3).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DataCategory>))]
public enum DataCategory
{
    [JsonStringEnumMemberName("subscriber")] Subscriber,
    [JsonStringEnumMemberName("identification-ip")] IdentificationIp,
    [JsonStringEnumMemberName("traffic")] Traffic,
    [JsonStringEnumMemberName("content")] Content,
}

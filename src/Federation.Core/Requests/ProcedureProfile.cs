namespace Federation.Core.Requests;

/// <summary>
/// The rules a legal basis sets for a request (docs/requests.md, "Procedure profiles"): which types it covers, the fields it
/// requires, how long the requested side has (counted from the signed delivery receipt), how long a preservation
/// lasts, which refusal grounds exist, and whether a judge or prosecutor must validate before sending.
/// </summary>
public sealed record ProcedureProfile(
    string Code,
    string Title,
    IReadOnlySet<RequestType> Types,
    IReadOnlySet<RefusalGround> RefusalGrounds,
    ResponseDeadlines Deadlines)
{
    /// <summary>Preservation period and its one extension; null when the profile has no preservation.</summary>
    public PreservationTerms? Preservation { get; init; }

    /// <summary>Types whose data categories need a judge's or prosecutor's validation (e-Evidence Art 4(2)-(4)).</summary>
    public bool ValidationForTrafficAndContent { get; init; }

    /// <summary>Whether an emergency may be sent before validation, with validation due 48 h later (EPOC Art 4(5)).</summary>
    public bool EmergencyBeforeValidation { get; init; }

    /// <summary>Fields this profile requires of every request on top of those every profile requires.</summary>
    public IReadOnlyList<string> ExtraRequiredFields { get; init; } = [];

    /// <summary>The time allowed for validation after an emergency was sent before it.</summary>
    public static readonly TimeSpan ExPostValidation = TimeSpan.FromHours(48);

    /// <summary>
    /// How long the requested side has to acknowledge a delivered request (docs/requests.md, "Clocks and escalation"; a policy informed by
    /// the EIO one-week rule): 2 days, 4 hours in urgency, 30 minutes for an emergency (the 24/7 point of contact).
    /// Elapsed time: working-day calendars are not modelled.
    /// </summary>
    public static TimeSpan AcknowledgementTime(Priority priority) => priority switch
    {
        Priority.Emergency => TimeSpan.FromMinutes(30),
        Priority.Urgent => TimeSpan.FromHours(4),
        _ => TimeSpan.FromDays(2),
    };

    public bool NeedsValidation(RequestType type, RequestDetails details) =>
        ValidationForTrafficAndContent && (type is RequestType.DiscloseTraffic or RequestType.DiscloseContent
            || (type == RequestType.EmergencyDisclosure
                && (details.DataCategories ?? []).Any(c => c is DataCategory.Traffic or DataCategory.Content)));

    /// <summary>The time the requested side has to answer, or null when this type has no response clock here.</summary>
    public TimeSpan? ResponseTime(RequestType type, Priority priority, RequestDetails details) =>
        Deadlines.For(type, priority, details);

    /// <summary>The names (as in the JSON body) of the required fields that <paramref name="details"/> leaves empty.</summary>
    public IReadOnlyList<string> MissingFields(RequestType type, Priority priority, RequestDetails details)
    {
        var missing = new List<string>();
        void Need(string name, bool present) { if (!present) missing.Add(name); }
        static bool Has(string? text) => !string.IsNullOrWhiteSpace(text);

        Need("issuingAuthority", Has(details.IssuingAuthority));
        Need("description", Has(details.Description));
        if (type != RequestType.MlaTracker)
            Need("legalProvisions", details.LegalProvisions is { Count: > 0 });
        foreach (var field in ExtraRequiredFields) Need(field, Present(details, field));

        if (priority == Priority.Emergency || type == RequestType.EmergencyDisclosure)
        {
            Need("emergencyBasis", details.EmergencyBasis is "life" or "physical-integrity" or "safety" or "critical-infrastructure");
            Need("emergencyFacts", Has(details.EmergencyFacts));
        }
        switch (type)
        {
            case RequestType.Preserve:
                Need("serviceProvider", Has(details.ServiceProvider));
                Need("identifiers", details.Identifiers is { Count: > 0 });
                Need("custodian", Has(details.Custodian));
                Need("followUpIntended", details.FollowUpIntended == true);
                break;
            case RequestType.DiscloseSubscriber or RequestType.DiscloseTraffic or RequestType.DiscloseContent or RequestType.EmergencyDisclosure:
                Need("serviceProvider", Has(details.ServiceProvider));
                Need("identifiers", details.Identifiers is { Count: > 0 });
                Need("dataCategories", details.DataCategories is { Count: > 0 });
                Need("timeFrom", details.TimeFrom is not null);
                Need("timeTo", details.TimeTo is not null && details.TimeTo >= details.TimeFrom);
                Need("necessityProportionality", Has(details.NecessityProportionality));
                break;
            case RequestType.TakedownAssist:
                Need("identifiers", details.Identifiers is { Count: > 0 } || details.HashRefs is { Count: > 0 });
                Need("illegalityBasis", Has(details.IllegalityBasis));
                Need("requestedAction", details.RequestedAction is "remove" or "disable-access" or "geo-block" or "preserve-then-remove");
                break;
            case RequestType.PoliceInfo:
                Need("factsSummary", Has(details.FactsSummary));
                break;
            case RequestType.MlaTracker:
                Need("mlaReference", Has(details.MlaReference));
                break;
        }
        return missing;
    }

    private static bool Present(RequestDetails details, string field) => field switch
    {
        "factsSummary" => !string.IsNullOrWhiteSpace(details.FactsSummary),
        "offenceCategory" => !string.IsNullOrWhiteSpace(details.OffenceCategory),
        "necessityProportionality" => !string.IsNullOrWhiteSpace(details.NecessityProportionality),
        "handlingCode" => details.HandlingCode is "H0" or "H1" or "H2" or "H3",
        _ => throw new InvalidOperationException($"profile names unknown field '{field}'"),
    };
}

/// <summary>A preservation lasts <see cref="Period"/> from the moment it is made and may be extended once by <see cref="Extension"/>.</summary>
public sealed record PreservationTerms(TimeSpan Period, TimeSpan Extension)
{
    /// <summary>When to warn before expiry: a week, or a day for periods of 60 days or less.</summary>
    public TimeSpan ExpiryWarning => Period <= TimeSpan.FromDays(60) ? TimeSpan.FromDays(1) : TimeSpan.FromDays(7);
}

/// <summary>Response times of a profile by priority, optionally overridden per type.</summary>
public sealed record ResponseDeadlines(TimeSpan? Normal, TimeSpan? Urgent, TimeSpan? Emergency)
{
    public IReadOnlyDictionary<RequestType, ResponseDeadlines> ByType { get; init; } = new Dictionary<RequestType, ResponseDeadlines>();

    /// <summary>Types that carry no response clock in this profile (spontaneous information, MLA trackers).</summary>
    public IReadOnlySet<RequestType> Unclocked { get; init; } = new HashSet<RequestType>();

    public TimeSpan? For(RequestType type, Priority priority, RequestDetails details)
    {
        if (Unclocked.Contains(type)) return null;
        if (ByType.TryGetValue(type, out var specific)) return specific.For(type, priority, details);
        // An emergency disclosure is an emergency whatever priority the drafter picked.
        if (type == RequestType.EmergencyDisclosure) priority = Priority.Emergency;
        return priority switch
        {
            Priority.Emergency => Emergency ?? Urgent ?? Normal,
            Priority.Urgent => Urgent ?? Normal,
            _ => Normal,
        };
    }
}

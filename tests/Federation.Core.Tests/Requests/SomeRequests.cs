using Federation.Core.Identity;
using Federation.Core.Requests;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Requests;

/// <summary>People, complete drafts and cases in any state for the request rule tests.</summary>
internal static class SomeRequests
{
    public static readonly NodeId Kr = Some.Kr;
    public static readonly NodeId Nl = NodeId.Parse("nl-police");

    public static readonly Actor KrOfficer = new(Kr, "urn:federation:person:kr-knpa:officer", CaseRole.Officer);
    public static readonly Actor KrOfficer2 = new(Kr, "urn:federation:person:kr-knpa:officer2", CaseRole.Officer);
    public static readonly Actor KrSupervisor = new(Kr, "urn:federation:person:kr-knpa:supervisor", CaseRole.Supervisor);
    public static readonly Actor KrValidator = new(Kr, "urn:federation:person:kr-knpa:prosecutor", CaseRole.Validator);
    public static readonly Actor NlHandler = new(Nl, "urn:federation:person:nl-police:case-handler", CaseRole.CaseHandler);
    public static readonly Actor NlDuty = new(Nl, "urn:federation:person:nl-police:duty-officer", CaseRole.DutyOfficer);
    public static readonly Actor NlSupervisor = new(Nl, "urn:federation:person:nl-police:supervisor", CaseRole.Supervisor);
    public static readonly Actor NlSystem = Actor.System(Nl);

    public static RequestDetails PreservationDetails => new()
    {
        IssuingAuthority = "KNPA Cyber Bureau",
        Description = "Distribution of a sexual deepfake video of an identified victim",
        LegalProvisions = ["Act on Special Cases concerning the Punishment of Sexual Crimes, Art 14-2"],
        OffenceCategory = "deepfake-ncii",
        ServiceProvider = "ExampleHost B.V.",
        Identifiers = [new TargetIdentifier("account", "uploader-4711")],
        Custodian = "ExampleHost B.V., Amsterdam",
        FollowUpIntended = true,
    };

    public static RequestDetails DisclosureDetails => PreservationDetails with
    {
        Custodian = null, FollowUpIntended = null,
        DataCategories = [DataCategory.Subscriber],
        TimeFrom = Some.Now.AddDays(-30), TimeTo = Some.Now,
        NecessityProportionality = "The account is the only lead to the uploader.",
    };

    public static Open Draft(RequestType type = RequestType.Preserve, string profile = "EU:2023/1543", Priority priority = Priority.Normal, RequestDetails? details = null) =>
        new(CaseRef.New(Kr, Some.Now), type, profile, priority, Kr, Nl, "KR-2026-0042",
            details ?? (type == RequestType.Preserve ? PreservationDetails : DisclosureDetails), []);

    /// <summary>Runs steps from a fresh draft, failing the test at the first refused one.</summary>
    public static RequestCase Run(Open open, params (RequestStep Step, Actor Actor, DateTimeOffset At)[] steps)
    {
        var current = Take(null, open, KrOfficer, Some.Now);
        foreach (var (step, actor, at) in steps) current = Take(current, step, actor, at);
        return current;
    }

    public static RequestCase Take(RequestCase? current, RequestStep step, Actor actor, DateTimeOffset at)
    {
        var decision = RequestRules.Take(current, step, actor, at);
        Assert.True(decision.Allowed, $"{step.Action} by {actor.Person} refused: {decision.Violation}");
        return decision.Next!;
    }

    /// <summary>A case placed directly in <paramref name="state"/>, with everything any action in that state needs.</summary>
    public static RequestCase In(RequestState state, RequestType type = RequestType.Preserve, string profile = "EU:2023/1543")
    {
        var open = Draft(type, profile);
        return new RequestCase
        {
            Case = open.Case, Type = type, Profile = profile, Priority = Priority.Normal, RequestingNode = Kr, RequestedNode = Nl,
            RequesterRef = open.RequesterRef, Details = open.Details, Version = 1, Links = [], State = state,
            ApprovedBy = KrSupervisor.Person, SentAt = Some.Now, DeliveredAt = Some.Now,
            Clock = new ResponseClock(Some.Now, TimeSpan.FromDays(10), Priority.Normal),
            PreservedUntil = Some.Now.AddDays(60),
            Drafting = new DraftingRecord(KrOfficer.Person, [KrOfficer.Person]),
            PendingRefusal = new PendingRefusal(RefusalGround.DataNotHeld, "Account deleted in 2025", NlHandler.Person),
        };
    }
}

using System.Text.Json;
using Federation.Core.Requests;
using Federation.Core.Tests.Support;
using static Federation.Core.Tests.Requests.SomeRequests;

namespace Federation.Core.Tests.Requests;

/// <summary>Whole paths through the machine: validation, emergencies, and both sides converging on one state.</summary>
public sealed class RequestWorkflowTests
{
    private static readonly DateTimeOffset At = Some.Now.AddHours(1);

    [Fact]
    public void Traffic_data_under_e_evidence_waits_for_validation_by_someone_else()
    {
        var details = DisclosureDetails with { DataCategories = [DataCategory.Traffic] };
        var awaiting = Run(Draft(RequestType.DiscloseTraffic, details: details), (new Submit(), KrOfficer, At), (new Approve(), KrSupervisor, At));

        Assert.Equal(RequestState.AwaitingValidation, awaiting.State);
        Assert.Equal(RequestRuleCodes.NotApproved, RequestRules.Take(awaiting, new Send(awaiting.ToSent()), KrOfficer, At).Violation?.Rule);
        Assert.Equal(RequestRuleCodes.FourEyes, RequestRules.Take(awaiting, new Validate(), KrOfficer with { Role = CaseRole.Validator }, At).Violation?.Rule);
        Assert.Equal(RequestRuleCodes.FourEyes, RequestRules.Take(awaiting, new Validate(), KrSupervisor with { Role = CaseRole.Validator }, At).Violation?.Rule);

        var validated = Take(awaiting, new Validate(), KrValidator, At);
        Assert.Equal(RequestState.Approved, validated.State);
        Assert.Equal(RequestState.Sent, Take(validated, new Send(validated.ToSent()), KrOfficer, At).State);
    }

    [Fact]
    public void An_emergency_is_sent_before_validation_with_validation_due_in_48_hours()
    {
        var details = DisclosureDetails with
        {
            DataCategories = [DataCategory.Content], EmergencyBasis = "life", EmergencyFacts = "Victim threatens suicide after the upload",
        };
        var approved = Run(Draft(RequestType.EmergencyDisclosure, details: details), (new Submit(), KrOfficer, At), (new Approve(), KrSupervisor, At));

        Assert.Equal(RequestState.Approved, approved.State);
        Assert.True(approved.ValidationPending);
        Assert.Equal(At.AddHours(48), approved.ValidationDue);

        var sent = Take(approved, new Send(approved.ToSent()), KrOfficer, At);
        var delivered = Take(sent, new Deliver(At.AddMinutes(1)), NlSystem, At.AddMinutes(1));
        Assert.Equal(TimeSpan.FromHours(8), delivered.Clock!.Allowed);

        var validated = Take(delivered, new Validate("PPO-77"), KrValidator, At.AddHours(20));
        Assert.False(validated.ValidationPending);
        Assert.Equal(RequestState.Delivered, validated.State);
        Assert.Equal(RequestRuleCodes.NoValidationPending, RequestRules.Take(validated, new Validate(), KrValidator, At).Violation?.Rule);
    }

    [Fact]
    public void An_emergency_needs_its_basis_and_facts()
    {
        var draft = Run(Draft(RequestType.EmergencyDisclosure));

        var violation = RequestRules.Take(draft, new Submit(), KrOfficer, At).Violation;

        Assert.Equal(RequestRuleCodes.FieldsMissing, violation?.Rule);
        Assert.Contains("emergencyBasis", violation!.Detail);
        Assert.Contains("emergencyFacts", violation.Detail);
    }

    [Fact]
    public void Both_sides_applying_the_shared_steps_hold_the_same_case()
    {
        var approved = Run(Draft(), (new Submit(), KrOfficer, At), (new Approve(), KrSupervisor, At));
        var send = new Send(approved.ToSent());
        var shared = new (RequestStep, Actor, DateTimeOffset)[]
        {
            (new Deliver(At.AddMinutes(1)), NlSystem, At.AddMinutes(1)),
            (new Acknowledge("NL-981"), NlHandler, At.AddHours(2)),
            (new RequestInformation("Which time zone?"), NlHandler, At.AddHours(3)),
            (new Answer("KST"), KrOfficer, At.AddHours(9)),
            (new Accept(), NlHandler, At.AddHours(10)),
            (new Preserve(), NlHandler, At.AddHours(11)),
            (new Extend(), KrSupervisor, At.AddDays(50)),
        };

        var requesting = Take(approved, send, KrOfficer, At);
        var requested = Take(null, send, KrOfficer, At);
        foreach (var (step, actor, at) in shared)
        {
            requesting = Take(requesting, step, actor, at);
            requested = Take(requested, step, actor, at);
        }

        Assert.NotNull(requesting.Drafting);
        Assert.Equal(Json(requesting.SharedView()), Json(requested.SharedView()));
        Assert.Equal(At.AddHours(11).AddDays(90), requested.PreservedUntil);
        Assert.Equal(TimeSpan.FromHours(6), requested.Clock!.PausedFor);
    }

    [Fact]
    public void A_case_survives_a_round_trip_through_its_json()
    {
        var preserved = SomeRequests.In(RequestState.Preserved);

        var text = Json(preserved);
        var back = JsonSerializer.Deserialize<RequestCase>(text, RequestJson.Options)!;

        Assert.Equal(text, Json(back));
        Assert.Contains("\"state\":\"preserved\"", text);
    }

    [Fact]
    public void Steps_read_their_action_from_the_json_discriminator()
    {
        var step = JsonSerializer.Deserialize<RequestStep>("""{"action":"postpone","reason":"busy","reviewOn":"2026-03-05T00:00:00Z"}""", RequestJson.Options);

        Assert.Equal(new Postpone("busy", new DateTimeOffset(2026, 3, 5, 0, 0, 0, TimeSpan.Zero)), step);
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<RequestStep>("""{"action":"postpone","reason":"busy"}""", RequestJson.Options));
    }

    private static string Json(RequestCase c) => JsonSerializer.Serialize(c, RequestJson.Options);
}

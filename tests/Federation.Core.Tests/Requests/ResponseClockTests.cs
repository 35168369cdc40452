using Federation.Core.Requests;
using Federation.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Federation.Core.Tests.Requests.SomeRequests;

namespace Federation.Core.Tests.Requests;

/// <summary>The legal clock driven by a fake clock: start at the receipt, pause for clarification, thresholds, profiles.</summary>
public sealed class ResponseClockTests
{
    private readonly FakeTimeProvider _time = new(Some.Now);

    private RequestCase Delivered(RequestType type, string profile, Priority priority, RequestDetails? details = null)
    {
        var approved = Run(Draft(type, profile, priority, details), (new Submit(), KrOfficer, Now), (new Approve(), KrSupervisor, Now));
        var sent = Take(approved, new Send(approved.ToSent()), KrOfficer, Now);
        _time.Advance(TimeSpan.FromMinutes(3)); // transport time: the clock starts at the receipt, not at sending
        return Take(sent, new Deliver(Now), NlSystem, Now);
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void The_clock_starts_at_the_receipt_and_escalates_at_50_80_and_100_percent()
    {
        var delivered = Delivered(RequestType.DiscloseSubscriber, "EU:2023/1543", Priority.Normal);
        var receipt = Some.Now.AddMinutes(3);
        var clock = delivered.Clock!;

        Assert.Equal(receipt, clock.StartedAt);
        Assert.Equal(receipt.AddDays(10), clock.Due);
        Assert.Equal(receipt.AddDays(5), clock.EscalationAt(Escalation.Reminder));
        Assert.Equal(receipt.AddDays(8), clock.EscalationAt(Escalation.Alert));
        Assert.Equal(receipt.AddDays(10), clock.EscalationAt(Escalation.Overdue));

        _time.Advance(TimeSpan.FromDays(10) - TimeSpan.FromSeconds(1));
        Assert.False(clock.IsOverdue(Now));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(clock.IsOverdue(Now));
        Assert.Equal(1.0, clock.Fraction(Now));
    }

    [Fact]
    public void Emergencies_escalate_at_25_50_and_100_percent_of_8_hours()
    {
        var details = DisclosureDetails with { EmergencyBasis = "life", EmergencyFacts = "Threat of suicide" };
        var clock = Delivered(RequestType.EmergencyDisclosure, "EU:2023/1543", Priority.Normal, details).Clock!;

        Assert.Equal(Priority.Emergency, clock.Priority);
        Assert.Equal(TimeSpan.FromHours(8), clock.Allowed);
        Assert.Equal(clock.StartedAt.AddHours(2), clock.EscalationAt(Escalation.Reminder));
        Assert.Equal(clock.StartedAt.AddHours(4), clock.EscalationAt(Escalation.Alert));
        Assert.Equal(clock.StartedAt.AddHours(8), clock.EscalationAt(Escalation.Overdue));
    }

    [Fact]
    public void Clarification_pauses_the_clock_and_the_answer_resumes_it()
    {
        var delivered = Delivered(RequestType.DiscloseSubscriber, "EU:2023/1543", Priority.Normal);
        var start = delivered.Clock!.StartedAt;
        _time.Advance(TimeSpan.FromDays(1));
        var acknowledged = Take(delivered, new Acknowledge("NL-1"), NlHandler, Now);
        _time.Advance(TimeSpan.FromDays(1));
        var asked = Take(acknowledged, new RequestInformation("Which account?"), NlHandler, Now);

        Assert.False(asked.Clock!.IsRunning);
        Assert.Null(asked.Clock.Due);
        Assert.Null(asked.Clock.EscalationAt(Escalation.Reminder));
        _time.Advance(TimeSpan.FromDays(3));
        Assert.Equal(TimeSpan.FromDays(2), asked.Clock.Elapsed(Now));

        var answered = Take(asked, new Answer("uploader-4711"), KrOfficer, Now);
        Assert.True(answered.Clock!.IsRunning);
        Assert.Equal(TimeSpan.FromDays(3), answered.Clock.PausedFor);
        Assert.Equal(start.AddDays(13), answered.Clock.Due);
        Assert.Equal(start.AddDays(8), answered.Clock.EscalationAt(Escalation.Reminder));
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(TimeSpan.FromDays(3), answered.Clock.Elapsed(Now));
    }

    [Fact]
    public void An_answer_stops_the_clock_and_a_stopped_clock_is_never_overdue()
    {
        var accepted = Take(Take(Delivered(RequestType.DiscloseSubscriber, "EU:2023/1543", Priority.Normal), new Acknowledge("NL-1"), NlHandler, Now), new Accept(), NlHandler, Now);
        _time.Advance(TimeSpan.FromDays(4));
        var responded = Take(accepted, new Respond(new ResponseManifest([], "No data held")), NlHandler, Now);
        _time.Advance(TimeSpan.FromDays(30));

        Assert.False(responded.Clock!.IsOverdue(Now));
        Assert.Equal(TimeSpan.FromDays(4), responded.Clock.Elapsed(Now));
        Assert.Null(responded.Clock.EscalationAt(Escalation.Overdue));
    }

    [Theory]
    [InlineData(Priority.Emergency, 8)]
    [InlineData(Priority.Urgent, 72)]
    [InlineData(Priority.Normal, 168)]
    public void Police_information_under_directive_2023_977_is_due_in_8_hours_3_days_or_7_days(Priority priority, int hours)
    {
        var details = new RequestDetails
        {
            IssuingAuthority = "KNPA", Description = "Identity of an uploader", LegalProvisions = ["Art 5"], FactsSummary = "Uploader shares victims' images",
            HandlingCode = "H2", EmergencyBasis = "safety", EmergencyFacts = "Ongoing extortion",
        };

        var clock = Delivered(RequestType.PoliceInfo, "EU:2023/977", priority, details).Clock!;

        Assert.Equal(TimeSpan.FromHours(hours), clock.Allowed);
    }

    [Fact]
    public void A_preservation_lasts_60_days_from_preserving_and_one_extension_adds_30()
    {
        var delivered = Delivered(RequestType.Preserve, "BUDAPEST:29", Priority.Normal);
        Assert.Equal(TimeSpan.FromHours(24), delivered.Clock!.Allowed);
        var accepted = Take(Take(delivered, new Acknowledge("NL-1"), NlHandler, Now), new Accept(), NlHandler, Now);
        _time.Advance(TimeSpan.FromHours(5));
        var preserved = Take(accepted, new Preserve(), NlHandler, Now);

        Assert.Equal(Now.AddDays(60), preserved.PreservedUntil);
        Assert.Equal(TimeSpan.FromDays(1), ProcedureProfiles.BudapestPreservation.Preservation!.ExpiryWarning);
        Assert.Equal(Now.AddDays(90), Take(preserved, new Extend(), KrSupervisor, Now.AddDays(55)).PreservedUntil);
    }

    [Fact]
    public void Spontaneous_information_and_mla_trackers_run_no_clock()
    {
        var details = new RequestDetails { IssuingAuthority = "KNPA", Description = "FYI", LegalProvisions = ["Art 7"], HandlingCode = "H1", MlaReference = "MLA-2026-3" };

        Assert.Null(Delivered(RequestType.SpontaneousInfo, "EU:2023/977", Priority.Normal, details).Clock);
        Assert.Null(Delivered(RequestType.MlaTracker, "MLA:TRACKER", Priority.Normal, details).Clock);
    }

    [Theory]
    [InlineData(Priority.Normal, 48 * 60)]
    [InlineData(Priority.Urgent, 4 * 60)]
    [InlineData(Priority.Emergency, 30)]
    public void The_requested_side_acknowledges_within_two_days_four_hours_or_thirty_minutes(Priority priority, int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), ProcedureProfile.AcknowledgementTime(priority));
    }
}

using Federation.Core.Requests;
using Federation.Core.Tests.Support;
using static Federation.Core.Tests.Requests.SomeRequests;

namespace Federation.Core.Tests.Requests;

/// <summary>Post-delivery restrictions (docs/requests.md, "States and actions"): flags on a case whose data was handed over, with a signed deletion confirmation.</summary>
public sealed class RestrictionTests
{
    private static readonly DateTimeOffset At = Some.Now.AddDays(3);
    private static readonly Actor KrAuditor = new(Kr, "urn:federation:person:kr-knpa:auditor", CaseRole.Auditor);

    private static RequestCase Responded() => In(RequestState.Responded, RequestType.DiscloseSubscriber) with
    {
        Manifest = new ResponseManifest([new ManifestItem(new string('a', 64), 1024, "subscriber.json", DataCategory.Subscriber, null)], null),
    };

    [Fact]
    public void A_must_delete_restriction_waits_for_the_requesting_supervisors_signed_confirmation_and_blocks_archiving_until_then()
    {
        var restricted = Take(Responded(), new Restrict("The enforcing authority objected within 96 h", RestrictionKind.MustDelete), NlSupervisor, At);
        Assert.True(restricted.Restriction!.DeletionAwaited);
        Assert.Equal(RequestState.Responded, restricted.State);
        Assert.Equal(RequestRuleCodes.State, RequestRules.Take(restricted, new Restrict("again", RestrictionKind.UseRestricted), NlSupervisor, At).Violation?.Rule);

        var closed = Take(restricted, new Close("Answered"), KrOfficer, At);
        Assert.Equal(RequestRuleCodes.State, RequestRules.Take(closed, new Archive("retention"), KrAuditor, At).Violation?.Rule);

        Assert.Equal(RequestRuleCodes.ReasonRequired, RequestRules.Take(closed, new ConfirmDeletion(" "), KrSupervisor, At).Violation?.Rule);
        var confirmed = Take(closed, new ConfirmDeletion("Subscriber record deleted from file KR-2026-0042"), KrSupervisor, At.AddHours(2));
        Assert.Equal((KrSupervisor.Person, At.AddHours(2)), (confirmed.Restriction!.DeletionConfirmedBy, confirmed.Restriction.DeletionConfirmedAt));
        Assert.False(confirmed.Restriction.DeletionAwaited);
        Assert.True(RequestRules.Take(confirmed, new Archive("retention"), KrAuditor, At).Allowed);
    }

    [Fact]
    public void A_use_restriction_needs_no_confirmation_and_none_is_accepted()
    {
        var restricted = Take(Responded(), new Restrict("Rectification pending", RestrictionKind.UseRestricted), NlSupervisor, At);

        Assert.False(restricted.Restriction!.DeletionAwaited);
        Assert.Equal(RequestRuleCodes.State, RequestRules.Take(restricted, new ConfirmDeletion("deleted"), KrSupervisor, At).Violation?.Rule);
        Assert.Equal(RequestRuleCodes.State, RequestRules.Take(Responded(), new ConfirmDeletion("deleted"), KrSupervisor, At).Violation?.Rule);
    }

    [Fact]
    public void Nothing_is_restricted_where_no_data_was_handed_over()
    {
        var closedPreservation = In(RequestState.Closed, RequestType.Preserve);

        Assert.Equal(RequestRuleCodes.PreservationOnly,
            RequestRules.Take(closedPreservation, new Restrict("objection", RestrictionKind.MustDelete), NlSupervisor, At).Violation?.Rule);
        Assert.Equal(RequestRuleCodes.ReasonRequired,
            RequestRules.Take(Responded(), new Restrict(" ", RestrictionKind.MustDelete), NlSupervisor, At).Violation?.Rule);
        // A disclosure closed after a refusal or a withdrawal handed nothing over either.
        var closedUnanswered = In(RequestState.Closed, RequestType.DiscloseSubscriber);
        Assert.Equal(RequestRuleCodes.State, RequestRules.Take(closedUnanswered, new Restrict("objection", RestrictionKind.MustDelete), NlSupervisor, At).Violation?.Rule);
    }
}

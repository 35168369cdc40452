using Federation.Core.Requests;
using Federation.Core.Tests.Support;
using static Federation.Core.Tests.Requests.SomeRequests;

namespace Federation.Core.Tests.Requests;

/// <summary>The guards beyond side, role and state: four eyes, co-signatures, approval before sending, bodies.</summary>
public sealed class RequestGuardTests
{
    private static readonly DateTimeOffset At = Some.Now.AddHours(1);

    private static RuleViolation? Refused(RequestCase? current, RequestStep step, Actor actor, DateTimeOffset? at = null) =>
        RequestRules.Take(current, step, actor, at ?? At).Violation;

    [Fact]
    public void An_officer_cannot_approve_her_own_request_even_as_supervisor()
    {
        var inReview = Run(Draft(), (new Submit(), KrOfficer, At));

        var violation = Refused(inReview, new Approve(), KrOfficer with { Role = CaseRole.Supervisor });

        Assert.Equal(RequestRuleCodes.FourEyes, violation?.Rule);
    }

    [Fact]
    public void Everyone_who_edited_the_draft_is_excluded_from_approving_it()
    {
        var edited = Run(Draft(), (new Edit(PreservationDetails with { Description = "more" }), KrOfficer2, At), (new Submit(), KrOfficer, At));

        Assert.Equal(RequestRuleCodes.FourEyes, Refused(edited, new Approve(), KrOfficer2 with { Role = CaseRole.Supervisor })?.Rule);
        Assert.Null(Refused(edited, new Approve(), KrSupervisor));
    }

    [Fact]
    public void An_unapproved_request_cannot_be_sent()
    {
        var inReview = Run(Draft(), (new Submit(), KrOfficer, At));
        var sent = inReview with { ApprovedBy = KrSupervisor.Person };

        var violation = Refused(inReview, new Send(sent.ToSent()), KrOfficer);

        Assert.Equal(RequestRuleCodes.NotApproved, violation?.Rule);
    }

    [Fact]
    public void A_send_must_carry_the_approved_version()
    {
        var approved = Run(Draft(), (new Submit(), KrOfficer, At), (new Approve(), KrSupervisor, At));

        var violation = Refused(approved, new Send(approved.ToSent() with { Version = 7 }), KrOfficer);

        Assert.Equal(RequestRuleCodes.SentVersion, violation?.Rule);
    }

    [Fact]
    public void A_draft_missing_what_its_profile_requires_cannot_be_submitted()
    {
        var draft = Run(Draft(details: PreservationDetails with { Custodian = null, FollowUpIntended = false }));

        var violation = Refused(draft, new Submit(), KrOfficer);

        Assert.Equal(RequestRuleCodes.FieldsMissing, violation?.Rule);
        Assert.Contains("custodian", violation!.Detail);
        Assert.Contains("followUpIntended", violation.Detail);
    }

    [Fact]
    public void A_refusal_without_a_supervisor_co_signature_is_refused()
    {
        var acknowledged = SomeRequests.In(RequestState.Acknowledged) with { PendingRefusal = null };
        var proposed = Take(acknowledged, new ProposeRefusal(RefusalGround.DataNotHeld, "Account deleted"), NlHandler, At);

        Assert.Equal(RequestState.Acknowledged, proposed.State);
        Assert.Equal(RequestRuleCodes.Role, Refused(proposed, RequestRules.CoSign(proposed).Step!, NlHandler)?.Rule);
        Assert.Equal(RequestRuleCodes.CoSignature, Refused(proposed, RequestRules.CoSign(proposed).Step!, NlSupervisor with { Person = NlHandler.Person })?.Rule);
        Assert.Equal(RequestRuleCodes.CoSignature, RequestRules.CoSign(acknowledged).Violation?.Rule);

        var refused = Take(proposed, RequestRules.CoSign(proposed).Step!, NlSupervisor, At);
        Assert.Equal(RequestState.Refused, refused.State);
        Assert.Equal([NlHandler.Person, NlSupervisor.Person], refused.RefusalSigners);
    }

    [Fact]
    public void An_amended_answer_waits_on_the_requesting_node_until_another_person_co_signs_it()
    {
        var asked = SomeRequests.In(RequestState.InfoRequested) with { InformationRequested = "Which account?", Clock = SomeRequests.In(RequestState.InfoRequested).Clock!.Pause(At) };
        var amended = asked.Details with { Identifiers = [new TargetIdentifier("account", "uploader-4711@examplehost")] };
        var answer = new Answer("The account named in full", amended);
        Assert.False(answer.IsShared(asked)); // the proposal never leaves the node
        Assert.True(new Answer("Plain answer").IsShared(asked));

        var proposed = Take(asked, answer, KrOfficer, At);
        Assert.Equal((RequestState.InfoRequested, asked.Version, asked.Details), (proposed.State, proposed.Version, proposed.Details));
        Assert.Equal(KrOfficer.Person, proposed.PendingAmendment!.ProposedBy);
        Assert.Null(proposed.SharedView().PendingAmendment);

        var coSign = RequestRules.CoSignAmendment(proposed).Step!;
        Assert.Equal(RequestRuleCodes.Role, Refused(proposed, coSign, KrOfficer)?.Rule);
        Assert.Equal(RequestRuleCodes.CoSignature, Refused(proposed, coSign, KrSupervisor with { Person = KrOfficer.Person })?.Rule);
        Assert.Equal(RequestRuleCodes.CoSignature, Refused(proposed, coSign with { Note = "something else" }, KrSupervisor)?.Rule);
        Assert.Equal(RequestRuleCodes.CoSignature, RequestRules.CoSignAmendment(asked).Violation?.Rule);

        var answered = Take(proposed, coSign, KrSupervisor, At.AddHours(1));
        Assert.Equal((RequestState.Acknowledged, asked.Version + 1, "uploader-4711@examplehost"), (answered.State, answered.Version, answered.Details.Identifiers![0].Value));
        Assert.Equal([KrOfficer.Person, KrSupervisor.Person], answered.AmendmentSigners);
        Assert.Null(answered.PendingAmendment);
        Assert.True(answered.Clock!.IsRunning);

        // A plain answer instead settles the question and drops the proposal: it cannot be co-signed later for another one.
        var plain = Take(proposed, new Answer("Never mind the amendment"), KrOfficer, At);
        Assert.Null(plain.PendingAmendment);
        Assert.Equal(RequestRuleCodes.CoSignature, RequestRules.CoSignAmendment(plain).Violation?.Rule);
    }

    [Fact]
    public void An_amendment_that_drops_a_required_field_is_refused_when_proposed_and_when_received()
    {
        var asked = SomeRequests.In(RequestState.InfoRequested);
        var incomplete = asked.Details with { Custodian = null };

        Assert.Equal(RequestRuleCodes.FieldsMissing, Refused(asked, new Answer("x", incomplete), KrOfficer)?.Rule);
        Assert.Equal(RequestRuleCodes.FieldsMissing, Refused(asked with { Drafting = null }, new CoSignAnswer("x", incomplete, KrOfficer.Person), KrSupervisor)?.Rule);
    }

    [Fact]
    public void A_preservation_with_a_confirmed_follow_up_does_not_expire_and_is_confirmed_once()
    {
        var preserved = SomeRequests.In(RequestState.Preserved) with { PreservedUntil = At };
        var followUp = CaseRef.New(Kr, At);

        var confirmed = Take(preserved, new ConfirmFollowUp(followUp), KrOfficer, At);

        Assert.Equal(followUp, confirmed.FollowUpCase);
        Assert.Equal(RequestRuleCodes.NotExpired, Refused(confirmed, new Expire(), NlSystem, At.AddDays(400))?.Rule);
        Assert.Null(Refused(preserved, new Expire(), NlSystem, At.AddDays(1)));
        Assert.Equal(RequestRuleCodes.State, Refused(confirmed, new ConfirmFollowUp(CaseRef.New(Kr, At.AddDays(1))), KrOfficer)?.Rule);
        Assert.Equal(RequestRuleCodes.Link, Refused(preserved, new ConfirmFollowUp(preserved.Case), KrOfficer)?.Rule);
    }

    [Fact]
    public void A_rectification_says_what_was_wrong_and_keeps_the_profiles_fields_and_only_data_handed_over_is_rectified()
    {
        var delivered = SomeRequests.In(RequestState.Delivered);
        var responded = SomeRequests.In(RequestState.Responded, RequestType.DiscloseSubscriber);
        var manifest = new ResponseManifest([new ManifestItem(new string('a', 64), 1, "x", null, null)], null);

        Assert.Equal(RequestRuleCodes.ReasonRequired, Refused(delivered, new RectifyRequest(" ", delivered.Details), KrSupervisor)?.Rule);
        Assert.Equal(RequestRuleCodes.FieldsMissing, Refused(delivered, new RectifyRequest("typo", delivered.Details with { Custodian = null }), KrSupervisor)?.Rule);
        var rectified = Take(delivered, new RectifyRequest("typo", delivered.Details with { Description = "corrected" }), KrSupervisor, At);
        Assert.Equal((delivered.Version + 1, RequestState.Delivered, "corrected"), (rectified.Version, rectified.State, rectified.Details.Description));

        Assert.Equal(RequestRuleCodes.State, Refused(responded with { Manifest = null }, new RectifyResponse("wrong record", manifest), NlSupervisor)?.Rule);
        Assert.Equal(RequestRuleCodes.Manifest, Refused(responded with { Manifest = manifest },
            new RectifyResponse("wrong record", manifest with { Items = [manifest.Items[0] with { Sha256 = "not-hex" }] }), NlSupervisor)?.Rule);
    }

    [Fact]
    public void The_supplier_asks_how_its_data_was_used_one_question_at_a_time_and_the_requesting_side_explains()
    {
        var manifest = new ResponseManifest([new ManifestItem(new string('a', 64), 1, "x", null, null)], null);
        var responded = SomeRequests.In(RequestState.Responded, RequestType.DiscloseSubscriber) with { Manifest = manifest };

        Assert.Equal(RequestRuleCodes.State, Refused(responded, new ExplainUse("unasked"), KrOfficer)?.Rule);
        Assert.Equal(RequestRuleCodes.State, Refused(responded with { Manifest = null }, new AskUse("Used how?"), NlHandler)?.Rule);
        var asked = Take(responded, new AskUse("Used beyond this investigation?"), NlHandler, At);
        Assert.Equal(RequestRuleCodes.State, Refused(asked, new AskUse("And?"), NlHandler)?.Rule);
        Assert.Equal(RequestRuleCodes.ReasonRequired, Refused(asked, new ExplainUse(" "), KrOfficer)?.Rule);

        var explained = Take(asked, new ExplainUse("Only to identify the uploader"), KrOfficer, At.AddDays(1));
        var q = Assert.Single(explained.UseQuestions!);
        Assert.Equal(("Only to identify the uploader", KrOfficer.Person, false), (q.Explanation, q.ExplainedBy, q.Open));
        Assert.True(RequestRules.Take(explained, new AskUse("A second question"), NlHandler, At.AddDays(2)).Allowed);
    }

    [Fact]
    public void A_received_refusal_signed_by_one_person_twice_is_refused()
    {
        var acknowledged = SomeRequests.In(RequestState.Acknowledged) with { PendingRefusal = null, Drafting = null };

        var violation = Refused(acknowledged, new Refuse(RefusalGround.DataNotHeld, "x", NlSupervisor.Person), NlSupervisor);

        Assert.Equal(RequestRuleCodes.CoSignature, violation?.Rule);
    }

    [Fact]
    public void A_refusal_ground_the_profile_does_not_know_is_refused()
    {
        var acknowledged = SomeRequests.In(RequestState.Acknowledged, profile: "EU:2023/1543");

        var violation = Refused(acknowledged, new ProposeRefusal(RefusalGround.PoliticalOffence, "political"), NlHandler);

        Assert.Equal(RequestRuleCodes.RefusalGround, violation?.Rule);
    }

    [Fact]
    public void A_preservation_is_extended_once_only()
    {
        var preserved = SomeRequests.In(RequestState.Preserved);
        var extended = Take(preserved, new Extend(), KrSupervisor, At);

        Assert.Equal(Some.Now.AddDays(90), extended.PreservedUntil);
        Assert.Equal(RequestRuleCodes.ExtensionUsed, Refused(extended, new Extend(), KrSupervisor)?.Rule);
    }

    [Fact]
    public void Only_preservation_requests_are_preserved_and_only_others_answered_with_a_manifest()
    {
        var manifest = new ResponseManifest([new ManifestItem(new string('0', 64), 1, "x", null, null)], null);
        Assert.Equal(RequestRuleCodes.NotPreservation, Refused(SomeRequests.In(RequestState.Accepted, RequestType.DiscloseSubscriber), new Preserve(), NlHandler)?.Rule);
        Assert.Equal(RequestRuleCodes.PreservationOnly, Refused(SomeRequests.In(RequestState.Accepted), new Respond(manifest), NlHandler)?.Rule);
    }

    [Theory]
    [InlineData("not-a-digest", 1)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 1)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", -1)]
    public void A_manifest_carries_lower_case_sha256_digests_and_sizes(string sha256, long size)
    {
        var accepted = SomeRequests.In(RequestState.Accepted, RequestType.DiscloseSubscriber);

        var violation = Refused(accepted, new Respond(new ResponseManifest([new ManifestItem(sha256, size, "x", null, null)], null)), NlHandler);

        Assert.Equal(RequestRuleCodes.Manifest, violation?.Rule);
    }

    [Fact]
    public void An_empty_manifest_needs_the_reason_nothing_was_produced()
    {
        var accepted = SomeRequests.In(RequestState.Accepted, RequestType.DiscloseSubscriber);

        Assert.Equal(RequestRuleCodes.Manifest, Refused(accepted, new Respond(new ResponseManifest([], null)), NlHandler)?.Rule);
        Assert.Null(Refused(accepted, new Respond(new ResponseManifest([], "Account held no data")), NlHandler));
    }

    [Fact]
    public void A_preservation_expires_only_when_its_period_has_run()
    {
        var preserved = SomeRequests.In(RequestState.Preserved);

        Assert.Equal(RequestRuleCodes.NotExpired, Refused(preserved, new Expire(), NlSystem, Some.Now.AddDays(59))?.Rule);
        Assert.Equal(RequestState.Expired, Take(preserved, new Expire(), NlSystem, Some.Now.AddDays(60)).State);
    }

    [Theory]
    [InlineData("return")]
    [InlineData("request-information")]
    [InlineData("withdraw")]
    [InlineData("close")]
    [InlineData("release")]
    public void Steps_that_need_a_reason_are_refused_without_one(string action)
    {
        var (current, step, actor) = action switch
        {
            "return" => (SomeRequests.In(RequestState.InReview), (RequestStep)new Return(" "), KrSupervisor),
            "request-information" => (SomeRequests.In(RequestState.Acknowledged), new RequestInformation(""), NlHandler),
            "withdraw" => (SomeRequests.In(RequestState.Sent), new Withdraw(""), KrSupervisor),
            "close" => (SomeRequests.In(RequestState.Responded), new Close(""), KrOfficer),
            _ => (SomeRequests.In(RequestState.Preserved), new Release(""), KrOfficer),
        };

        Assert.Equal(RequestRuleCodes.ReasonRequired, Refused(current, step, actor)?.Rule);
    }

    [Fact]
    public void Acknowledging_needs_the_requested_side_file_number()
    {
        Assert.Equal(RequestRuleCodes.ReferenceRequired, Refused(SomeRequests.In(RequestState.Delivered), new Acknowledge(""), NlDuty)?.Rule);
    }

    [Fact]
    public void A_postponement_needs_a_review_date_in_the_future()
    {
        Assert.Equal(RequestRuleCodes.ReviewDate, Refused(SomeRequests.In(RequestState.Accepted), new Postpone("busy", At.AddMinutes(-1)), NlHandler)?.Rule);
    }

    [Fact]
    public void Spontaneous_information_closes_once_acknowledged_but_a_preservation_does_not()
    {
        var spontaneous = SomeRequests.In(RequestState.Acknowledged, RequestType.SpontaneousInfo, "EU:2023/977");

        Assert.Equal(RequestState.Closed, Take(spontaneous, new Close("Noted"), KrOfficer, At).State);
        Assert.Equal(RequestRuleCodes.State, Refused(SomeRequests.In(RequestState.Acknowledged), new Close("Noted"), KrOfficer)?.Rule);
    }

    [Fact]
    public void A_case_is_opened_only_by_its_requesting_node_as_an_officer_under_a_known_profile()
    {
        Assert.Equal(RequestRuleCodes.WrongSide, Refused(null, Draft(), NlHandler with { Role = CaseRole.Officer })?.Rule);
        Assert.Equal(RequestRuleCodes.Role, Refused(null, Draft(), KrSupervisor)?.Rule);
        Assert.Equal(RequestRuleCodes.UnknownProfile, Refused(null, Draft(profile: "XX:1"), KrOfficer)?.Rule);
        Assert.Equal(RequestRuleCodes.TypeNotInProfile, Refused(null, Draft(RequestType.TakedownAssist, "BUDAPEST:29"), KrOfficer)?.Rule);
        Assert.Equal(RequestRuleCodes.Link, Refused(null, Draft() with { Links = [new CaseLink("cousin-of", Draft().Case)] }, KrOfficer)?.Rule);
        Assert.Equal(RequestRuleCodes.State, Refused(null, new Submit(), KrOfficer)?.Rule);
    }

    [Fact]
    public void A_received_send_is_checked_against_its_profile()
    {
        var approved = Run(Draft(), (new Submit(), KrOfficer, At), (new Approve(), KrSupervisor, At));
        var incomplete = approved.ToSent() with { Details = PreservationDetails with { Custodian = null } };

        Assert.Equal(RequestRuleCodes.FieldsMissing, Refused(null, new Send(incomplete), KrOfficer)?.Rule);
        Assert.Equal(RequestRuleCodes.WrongSide, Refused(null, new Send(approved.ToSent()), NlHandler with { Role = CaseRole.Officer })?.Rule);
        Assert.Equal(RequestState.Sent, Take(null, new Send(approved.ToSent()), KrOfficer, At).State);
    }
}

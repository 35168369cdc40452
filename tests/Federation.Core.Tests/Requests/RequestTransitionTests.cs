using Federation.Core.Requests;
using Federation.Core.Tests.Support;
using static Federation.Core.Tests.Requests.SomeRequests;

namespace Federation.Core.Tests.Requests;

/// <summary>
/// The whole state machine as a matrix: every action from every state is either allowed (from the states the
/// rules list) or refused naming the state rule; every action by the wrong side, the wrong role or a node that is
/// not party to the case is refused naming that rule.
/// </summary>
public sealed class RequestTransitionTests
{
    public static TheoryData<string, RequestState> EveryActionFromEveryState()
    {
        var data = new TheoryData<string, RequestState>();
        foreach (var (action, _, _, _) in RequestRules.Table)
            foreach (var state in Enum.GetValues<RequestState>()) data.Add(action, state);
        return data;
    }

    public static TheoryData<string> EveryAction()
    {
        var data = new TheoryData<string>();
        foreach (var (action, _, _, _) in RequestRules.Table) data.Add(action);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryActionFromEveryState))]
    public void Each_action_is_allowed_exactly_from_the_states_the_rules_list(string action, RequestState state)
    {
        var (current, step, actor, at) = Valid(action, state);
        var allowedFrom = RequestRules.Table.Single(r => r.Action == action).From;

        var decision = RequestRules.Take(current, step, actor, at);

        if (allowedFrom.Contains(state) && !(action == "close" && state == RequestState.Acknowledged))
        {
            Assert.True(decision.Allowed, $"{action} from {state}: {decision.Violation}");
            Assert.Equal(ExpectedState(action, state), decision.Next!.State);
        }
        else
        {
            Assert.False(decision.Allowed, $"{action} from {state} was allowed");
            var expected = action == "send" && state is RequestState.Draft or RequestState.InReview or RequestState.AwaitingValidation
                ? RequestRuleCodes.NotApproved : RequestRuleCodes.State;
            Assert.Equal(expected, decision.Violation!.Rule);
        }
    }

    [Theory]
    [MemberData(nameof(EveryAction))]
    public void Each_action_by_the_other_side_is_refused(string action)
    {
        var rule = RequestRules.Table.Single(r => r.Action == action);
        var (current, step, actor, at) = Valid(action, rule.From[0]);
        var otherNode = actor.Node == Kr ? Nl : Kr;

        var decision = RequestRules.Take(current, step, actor with { Node = otherNode }, at);

        Assert.Equal(RequestRuleCodes.WrongSide, decision.Violation?.Rule);
    }

    [Theory]
    [MemberData(nameof(EveryAction))]
    public void Each_action_in_a_role_the_rules_do_not_list_is_refused(string action)
    {
        var rule = RequestRules.Table.Single(r => r.Action == action);
        var (current, step, actor, at) = Valid(action, rule.From[0]);

        foreach (var role in Enum.GetValues<CaseRole>().Except(rule.Roles))
        {
            var decision = RequestRules.Take(current, step, actor with { Role = role }, at);
            Assert.Equal(RequestRuleCodes.Role, decision.Violation?.Rule);
        }
    }

    [Theory]
    [MemberData(nameof(EveryAction))]
    public void Each_action_by_a_node_not_party_to_the_case_is_refused(string action)
    {
        var rule = RequestRules.Table.Single(r => r.Action == action);
        var (current, step, actor, at) = Valid(action, rule.From[0]);

        var decision = RequestRules.Take(current, step, actor with { Node = Some.Fr }, at);

        Assert.Equal(RequestRuleCodes.NotParty, decision.Violation?.Rule);
        Assert.Contains("fr-ofmin is not party", decision.Violation!.Detail);
    }

    /// <summary>A case in <paramref name="state"/> and a step of <paramref name="action"/> that passes every guard.</summary>
    private static (RequestCase, RequestStep, Actor, DateTimeOffset) Valid(string action, RequestState state)
    {
        var at = Some.Now.AddHours(1);
        var type = action is "respond" or "restrict" or "confirm-deletion" or "rectify-response" or "ask-use" or "explain-use"
            ? RequestType.DiscloseSubscriber : RequestType.Preserve;
        var manifest = new ResponseManifest([new ManifestItem(new string('a', 64), 1024, "subscriber.json", DataCategory.Subscriber, null)], null);
        var current = SomeRequests.In(state, type);
        var handler = NlHandler;
        return action switch
        {
            "edit" => (current, new Edit(current.Details with { Description = "amended" }), KrOfficer, at),
            "submit" => (current, new Submit(), KrOfficer, at),
            "return" => (current, new Return("State the custodian's address"), KrSupervisor, at),
            "approve" => (current, new Approve(), KrSupervisor, at),
            "validate" => (current with { ValidationDue = at.AddHours(47) }, new Validate(), KrValidator, at),
            "send" => (current, new Send(current.ToSent()), KrOfficer, at),
            "deliver" => (current, new Deliver(at), NlSystem, at),
            "acknowledge" => (current, new Acknowledge("NL-2026-981"), handler, at),
            "request-information" => (current, new RequestInformation("Which time zone?"), handler, at),
            "answer" => (current, new Answer("KST (UTC+9)"), KrOfficer, at),
            "co-sign-answer" => (current, new CoSignAnswer("KST (UTC+9)", current.Details with { Description = "amended" }, KrOfficer.Person), KrSupervisor, at),
            "accept" => (current, new Accept(), handler, at),
            "postpone" => (current, new Postpone("Provider offline", at.AddDays(2)), handler, at),
            "resume" => (current, new Resume(), handler, at),
            "refuse" => (current, new ProposeRefusal(RefusalGround.DataNotHeld, "Account deleted in 2025"), handler, at),
            "co-sign-refusal" => (current, new Refuse(RefusalGround.DataNotHeld, "Account deleted in 2025", NlHandler.Person), NlSupervisor, at),
            "preserve" => (current, new Preserve(), handler, at),
            "extend" => (current, new Extend(), KrSupervisor, at),
            "release" => (current, new Release("Data obtained through the disclosure"), KrOfficer, at),
            "confirm-follow-up" => (current, new ConfirmFollowUp(CaseRef.New(Kr, at)), KrOfficer, at),
            "respond" => (current, new Respond(new ResponseManifest([new ManifestItem(new string('a', 64), 1024, "subscriber.json", DataCategory.Subscriber, null)], null)), handler, at),
            "withdraw" => (current, new Withdraw("Suspect identified otherwise"), KrSupervisor, at),
            "ask-use" => (current with { Manifest = manifest }, new AskUse("Was the record used beyond this investigation?"), NlSupervisor, at),
            "explain-use" => (current with { Manifest = manifest, UseQuestions = [new UseQuestion("Used how?", NlSupervisor.Person, at, null, null, null)] },
                new ExplainUse("Only to identify the uploader in case KR-2026-0042"), KrOfficer, at),
            "rectify-request" => (current, new RectifyRequest("The account name was misspelt", current.Details with { Description = "corrected" }), KrSupervisor, at),
            "rectify-response" => (current with { Manifest = manifest },
                new RectifyResponse("The record listed the wrong account", manifest with { Items = [manifest.Items[0] with { Sha256 = new string('b', 64) }] }), NlSupervisor, at),
            "restrict" => (current with { Manifest = manifest },
                new Restrict("The enforcing authority objected (EPOC Art 12)", RestrictionKind.MustDelete), NlSupervisor, at),
            "confirm-deletion" => (current with { Restriction = new Restriction(RestrictionKind.MustDelete, "objection", NlSupervisor.Person, at, null, null, null) },
                new ConfirmDeletion("Subscriber record deleted from the case file"), KrSupervisor, at),
            "close" => (current, new Close("Answered"), KrOfficer, at),
            "expire" => (current, new Expire(), NlSystem, Some.Now.AddDays(61)),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "no valid step for this action"),
        };
    }

    private static RequestState ExpectedState(string action, RequestState from) => action switch
    {
        "edit" or "refuse" or "extend" or "restrict" or "confirm-deletion" or "confirm-follow-up" or "rectify-request" or "rectify-response"
            or "ask-use" or "explain-use" => from,
        "validate" => from == RequestState.AwaitingValidation ? RequestState.Approved : from,
        "submit" => RequestState.InReview,
        "return" => RequestState.Draft,
        "approve" => RequestState.Approved,
        "send" => RequestState.Sent,
        "deliver" => RequestState.Delivered,
        "acknowledge" or "answer" or "co-sign-answer" => RequestState.Acknowledged,
        "request-information" => RequestState.InfoRequested,
        "accept" or "resume" => RequestState.Accepted,
        "postpone" => RequestState.Postponed,
        "co-sign-refusal" => RequestState.Refused,
        "preserve" => RequestState.Preserved,
        "release" => RequestState.Released,
        "respond" => RequestState.Responded,
        "withdraw" => RequestState.Withdrawn,
        "close" => RequestState.Closed,
        "expire" => RequestState.Expired,
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };
}

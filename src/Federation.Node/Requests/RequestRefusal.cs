using Federation.Core.Requests;
using Federation.Node.Hosting;

namespace Federation.Node.Requests;

/// <summary>A request action or a peer's step refused by a rule of the state machine, as the one <see cref="Refusal"/>: the rule is the problem's <c>reason</c>.</summary>
public static class RequestRefusal
{
    /// <summary>Rules of the state machine: the wrong person or node is 403, a step the case's state or body does not allow is 409 / 422.</summary>
    public static Refusal From(RuleViolation v) => new(v.Rule switch
    {
        RequestRuleCodes.Role or RequestRuleCodes.WrongSide or RequestRuleCodes.NotParty or RequestRuleCodes.FourEyes or RequestRuleCodes.CoSignature => 403,
        RequestRuleCodes.State or RequestRuleCodes.NotApproved or RequestRuleCodes.AlreadyOpen or RequestRuleCodes.ExtensionUsed
            or RequestRuleCodes.NotExpired or RequestRuleCodes.NoValidationPending => 409,
        _ => 422,
    }, v.Rule, v.Detail);
}

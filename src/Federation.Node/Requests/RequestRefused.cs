using Federation.Core.Requests;

namespace Federation.Node.Requests;

/// <summary>A request action or a peer's step was refused: the HTTP status, the rule (problem <c>reason</c>) and a detail.</summary>
public sealed class RequestRefused(int status, string rule, string detail) : Exception($"{rule}: {detail}")
{
    public int Status { get; } = status;
    public string Rule { get; } = rule;
    public string Detail { get; } = detail;

    /// <summary>Rules of the state machine: the wrong person or node is 403, a step the case's state or body does not allow is 409 / 422.</summary>
    public static RequestRefused From(RuleViolation v) => new(v.Rule switch
    {
        RequestRuleCodes.Role or RequestRuleCodes.WrongSide or RequestRuleCodes.NotParty or RequestRuleCodes.FourEyes or RequestRuleCodes.CoSignature => 403,
        RequestRuleCodes.State or RequestRuleCodes.NotApproved or RequestRuleCodes.AlreadyOpen or RequestRuleCodes.ExtensionUsed
            or RequestRuleCodes.NotExpired or RequestRuleCodes.NoValidationPending => 409,
        _ => 422,
    }, v.Rule, v.Detail);
}

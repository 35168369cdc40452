namespace Federation.Core.Requests;

/// <summary>Why a step was refused: a stable rule code (the problem's <c>reason</c>) and a sentence for people.</summary>
public sealed record RuleViolation(string Rule, string Detail)
{
    public override string ToString() => $"{Rule}: {Detail}";
}

/// <summary>The rule codes of <see cref="RequestRules"/>; each names the one rule a refused step broke.</summary>
public static class RequestRuleCodes
{
    /// <summary>The acting node is neither the requesting nor the requested node of the case.</summary>
    public const string NotParty = "request-not-party";
    /// <summary>The action belongs to the other side of the case.</summary>
    public const string WrongSide = "request-wrong-side";
    /// <summary>The person's role may not take this action.</summary>
    public const string Role = "request-role";
    /// <summary>The action is not possible from the case's current state.</summary>
    public const string State = "request-state";
    /// <summary>Sending needs a supervisor's approval (and validation where the profile requires it).</summary>
    public const string NotApproved = "request-not-approved";
    /// <summary>An author of the request may not approve or validate it.</summary>
    public const string FourEyes = "request-four-eyes";
    /// <summary>A refusal needs a case handler's proposal co-signed by a different person who is a supervisor.</summary>
    public const string CoSignature = "request-co-signature";
    public const string FieldsMissing = "request-fields-missing";
    public const string UnknownProfile = "request-unknown-profile";
    public const string TypeNotInProfile = "request-type-not-in-profile";
    public const string ReasonRequired = "request-reason-required";
    public const string RefusalGround = "request-refusal-ground";
    public const string NotPreservation = "request-not-preservation";
    public const string PreservationOnly = "request-preservation-only";
    public const string ExtensionUsed = "request-extension-used";
    public const string Manifest = "request-manifest";
    public const string NotExpired = "request-not-expired";
    public const string Link = "request-link";
    public const string ReviewDate = "request-review-date";
    public const string SentVersion = "request-sent-version";
    public const string NoValidationPending = "request-no-validation-pending";
    public const string ReferenceRequired = "request-reference-required";
    public const string AlreadyOpen = "request-already-open";
}

namespace Federation.Core.Envelopes;

/// <summary>
/// Object identifiers of our own. The arc is a UUID-derived OID (ITU-T X.667, <c>2.25.&lt;uuid&gt;</c>), which
/// needs no registration and cannot collide with anyone else's; every envelope kind has its own eContentType so a
/// signature made for one kind can never be replayed as another.
/// </summary>
public static class FederationOids
{
    public const string Arc = "2.25.132780713254126517389368958160458725954";

    public const string NodeDescriptor = Arc + ".1.1";
    public const string HashListRelease = Arc + ".1.2";
    public const string CaseMessage = Arc + ".1.3";
    public const string Receipt = Arc + ".1.4";
    public const string Feedback = Arc + ".1.5";
    /// <summary>A generic typed message between nodes (docs/formats.md §4); other message kinds have their own.</summary>
    public const string Message = Arc + ".1.6";
    /// <summary>One step of a cross-border request (a <c>CaseStepDocument</c>), signed by the node whose person took it.</summary>
    public const string CaseStep = Arc + ".1.7";

    public const string Sha256 = "2.16.840.1.101.3.4.2.1";
    public const string Sha384 = "2.16.840.1.101.3.4.2.2";
    public const string Sha512 = "2.16.840.1.101.3.4.2.3";

    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
}

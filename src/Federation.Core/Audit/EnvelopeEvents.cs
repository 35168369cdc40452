namespace Federation.Core.Audit;

/// <summary>
/// The event types whose entries must commit to a signed envelope, and the field of the event's data that names the
/// node whose key signed it. The auditor reads the claimed signer from the data (covered by the leaf), never from
/// the envelope's location beside the leaf (which is not), and refuses an entry of one of these types that carries
/// no envelope: otherwise a row inserted without one would become signed, witnessed history. The node's tests check
/// that this table and the node's event types implementing <c>IEnvelopeEvent</c> are the same.
/// </summary>
public static class EnvelopeEvents
{
    /// <summary>Event type (as stored in the log) → the property of its data naming the signing node.</summary>
    public static readonly IReadOnlyDictionary<string, string> SignerField = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["release_published"] = "Origin",
        ["release_received"] = "Origin",
        ["message_received"] = "From",
        ["push_receipt_stored"] = "Recipient",
        ["request_step_recorded"] = "SignedBy",
    };
}

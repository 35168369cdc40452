namespace Federation.Auditor.Verify;

/// <summary>The first thing in a bundle that does not hold: where, what was expected, what was found, and for the
/// attacks an auditor most needs told apart, a stable <see cref="Reason"/> code printed before them.</summary>
public sealed class AuditFailure(string where, string expected, string found, string? reason = null)
    : Exception($"{where}: expected {expected}; found {found}")
{
    /// <summary>Fewer distinct trusted witness keys cosigned the latest checkpoint than the quorum asks.</summary>
    public const string WitnessQuorum = "witness-quorum";

    /// <summary>The quorum is met only by counting several lines of one witness key: a witness counts once.</summary>
    public const string WitnessDuplicated = "witness-duplicated";

    /// <summary>Fewer distinct trusted witness keys than the quorum cosigned the latest checkpoint at or after <c>--fresh-since</c>.</summary>
    public const string WitnessStale = "witness-stale";

    /// <summary>A witness's own view (<c>--witnessed</c>) is of a larger tree than the bundle's latest: the history was cut back.</summary>
    public const string WitnessedLarger = "witnessed-larger";

    /// <summary>A witness's own view has another root than the bundle's tree at that size: the witness was shown another history.</summary>
    public const string WitnessedInconsistent = "witnessed-inconsistent";

    /// <summary>A file given as a witness's view is not the log's checkpoint signed by its key and cosigned by a trusted witness.</summary>
    public const string WitnessedInvalid = "witnessed-invalid";

    /// <summary>An entry of a type that records a signed envelope carries none, or not where it is stored.</summary>
    public const string EnvelopeMissing = "envelope-missing";

    /// <summary>The trust directory holds no CA for the node that signed an envelope.</summary>
    public const string CaMissing = "ca-missing";

    /// <summary>An envelope's signer chains to another trusted agency's CA than that of the node it names.</summary>
    public const string SignerWrongCa = "signer-wrong-ca";

    /// <summary>An envelope's signing certificate was on its CA's CRL before the entry was logged.</summary>
    public const string SignerRevoked = "signer-revoked";

    /// <summary>The signer recorded beside the leaf is not the node the event's data names.</summary>
    public const string SignerMismatch = "signer-mismatch";

    /// <summary>An envelope's signature does not verify under its node's CA.</summary>
    public const string EnvelopeSignature = "envelope-signature";

    public string Where { get; } = where;
    public string Expected { get; } = expected;
    public string Found { get; } = found;
    public string? Reason { get; } = reason;
}

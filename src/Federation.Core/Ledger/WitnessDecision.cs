namespace Federation.Core.Ledger;

/// <summary>
/// The outcome of one add-checkpoint request. The caller persists <see cref="NewRecord"/> (compare-and-swap
/// against the record it passed in) and <see cref="Evidence"/> before it answers with <see cref="StatusCode"/>,
/// <see cref="ContentType"/> and <see cref="ResponseBody"/>.
/// </summary>
public sealed record WitnessDecision(WitnessVerdict Verdict, string Reason)
{
    /// <summary>Content type of the 409 body (tlog-witness).</summary>
    public const string SizeContentType = "text/x.tlog.size";

    /// <summary>The cosignature line over the submitted checkpoint (200 only).</summary>
    public NoteSignature? Cosignature { get; init; }

    /// <summary>The size this witness last cosigned (409 only).</summary>
    public ulong? KnownSize { get; init; }

    /// <summary>The record to store for the origin: the newly cosigned checkpoint, or the old one frozen.</summary>
    public WitnessRecord? NewRecord { get; init; }

    public EquivocationEvidence? Evidence { get; init; }

    public int StatusCode => Verdict switch
    {
        WitnessVerdict.Cosigned => 200,
        WitnessVerdict.OldSizeBeyondCheckpoint => 400,
        WitnessVerdict.NoTrustedSignature or WitnessVerdict.InvalidTrustedSignature or WitnessVerdict.OriginFrozen or WitnessVerdict.LogOriginNotBound => 403,
        WitnessVerdict.UnknownOrigin => 404,
        WitnessVerdict.OldSizeConflict => 409,
        _ => 422,
    };

    public string? ContentType => Verdict switch
    {
        WitnessVerdict.Cosigned => "text/plain; charset=utf-8",
        WitnessVerdict.OldSizeConflict => SizeContentType,
        _ => null,
    };

    /// <summary>200: the cosignature line(s); 409: the known size and a newline; otherwise none (use <see cref="Reason"/>).</summary>
    public string? ResponseBody => Verdict switch
    {
        WitnessVerdict.Cosigned => Cosignature!.Value.ToLine(),
        WitnessVerdict.OldSizeConflict => CanonicalDecimal.Format(KnownSize!.Value) + "\n",
        _ => null,
    };
}

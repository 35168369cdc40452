namespace Federation.Node.Ledger;

/// <summary>
/// A checkpoint signed now and cosigned now, for an auditor: the log signs its current tree (a new note even when the
/// size is unchanged) and every peer is asked, at once, to cosign it. A witness cosigns only a tree consistent with
/// the largest it has seen, so a log cut back to an earlier checkpoint gets refusals here, never fresh cosignatures;
/// the auditor's <c>fedaudit verify --fresh-since</c> then finds too few. Each witness's answer is returned, refusals
/// included, so the auditor is told who refused and why.
/// </summary>
public sealed class FreshCheckpoint(LedgerCheckpoints checkpoints, Witnessing witnessing)
{
    public sealed record Result(StoredCheckpoint Checkpoint, IReadOnlyList<Witnessing.Outcome> Witnesses);

    /// <exception cref="LogSmallerThanSignedException">The log is smaller than a checkpoint already signed.</exception>
    public async Task<Result> SignAndWitnessAsync(CancellationToken ct)
    {
        var signed = await checkpoints.SignNowAsync(ct);
        var outcomes = await witnessing.CollectAsync(signed, ct);
        // Re-read: the cosignatures as stored (one per witness key) are what an export carries.
        return new Result(await checkpoints.ByIdAsync(signed.Id, ct) ?? signed, outcomes);
    }
}

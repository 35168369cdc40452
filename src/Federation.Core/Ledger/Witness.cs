namespace Federation.Core.Ledger;

/// <summary>
/// The decision logic of a C2SP tlog-witness (v1.0.0 with the HEAD clarifications noted on
/// <see cref="WitnessVerdict"/>), free of storage and HTTP. The checks run in the spec's order: origin (404),
/// log signature (403), old size against the checkpoint (400), old size against the latest cosigned size (409),
/// then consistency (422); only a request that passes all of them is cosigned.
/// <para>
/// Atomicity is the caller's job, and the spec's rollback race shows why: two requests read the same record,
/// both are cosigned, and the slower one stores a smaller tree over the larger. The caller must therefore
/// <list type="number">
/// <item>read the origin's <see cref="WitnessRecord"/> (or none),</item>
/// <item>call <see cref="Decide"/> with it,</item>
/// <item>if the decision has a <see cref="WitnessDecision.NewRecord"/>, store it only if the stored record is still
/// the one read (e.g. <c>UPDATE … WHERE origin = @o AND size = @readSize AND root = @readRoot</c>, or an INSERT that
/// fails on conflict when there was none), in the same transaction as any <see cref="WitnessDecision.Evidence"/>;</item>
/// <item>if the swap lost, start again from 1; respond only after the commit.</item>
/// </list>
/// A cosignature must never leave the witness before its record is durable.
/// </para>
/// </summary>
public sealed class Witness(CosignatureV1Signer key, TimeProvider time)
{
    /// <param name="request">The parsed request (<see cref="AddCheckpointRequest.TryParse"/>; a parse failure is a 400).</param>
    /// <param name="log">The followed log for the checkpoint's origin, or null if this witness follows none.</param>
    /// <param name="latest">The stored record for that origin, or null if it never cosigned one.</param>
    public WitnessDecision Decide(AddCheckpointRequest request, WitnessedLog? log, WitnessRecord? latest)
    {
        var checkpoint = request.Checkpoint.Checkpoint;
        if (log is null || log.Origin != checkpoint.Origin)
            return new(WitnessVerdict.UnknownOrigin, $"This witness does not follow origin '{checkpoint.Origin}'.");
        if (latest is not null && latest.Origin != checkpoint.Origin)
            throw new ArgumentException($"The record is for '{latest.Origin}', the checkpoint for '{checkpoint.Origin}'.", nameof(latest));

        // Signatures from unknown keys (other witnesses' cosignatures, a rotated-out key) are ignored.
        var signatures = request.Checkpoint.Verify(log.LogKeys);
        if (signatures.Result == NoteCheck.InvalidSignature)
            return new(WitnessVerdict.InvalidTrustedSignature, $"The signature of {signatures.Failed} does not verify.");
        if (signatures.Result != NoteCheck.Valid)
            return new(WitnessVerdict.NoTrustedSignature, $"No signature from a key trusted for '{checkpoint.Origin}'.");

        if (latest is { Frozen: true })
            return new(WitnessVerdict.OriginFrozen, $"'{checkpoint.Origin}' signed two different trees of size {latest.Size}; this witness no longer cosigns it.");

        // Checked ahead of the old-size rules: whatever old size the client claims, two log-signed roots for one
        // size prove a split view, and the spec's 409 would let the second history go unrecorded.
        if (latest is not null && checkpoint.Size == latest.Size && checkpoint.RootHash != latest.RootHash)
            return Equivocation(WitnessVerdict.SameSizeDifferentRoot, request, latest, conclusive: true,
                $"'{checkpoint.Origin}' signed root {checkpoint.RootHash} for size {checkpoint.Size}, after root {latest.RootHash} was cosigned.");

        var oldSize = request.OldSize;
        if (oldSize > checkpoint.Size)
            return new(WitnessVerdict.OldSizeBeyondCheckpoint, $"Old size {oldSize} exceeds the checkpoint size {checkpoint.Size}.");
        var knownSize = latest?.Size ?? 0;
        if (oldSize != knownSize)
            return new(WitnessVerdict.OldSizeConflict, $"The latest cosigned size is {knownSize}, not {oldSize}.") { KnownSize = knownSize };
        if (checkpoint.Size == 0 && checkpoint.RootHash != Rfc6962.EmptyRoot)
            return new(WitnessVerdict.EmptyTreeRootMismatch, "A checkpoint of size 0 must carry SHA-256(\"\") as its root.");

        if (oldSize == 0)
        {
            // Nothing to be consistent with: the first checkpoint of a log is trusted on first use.
            if (request.Proof.Count != 0)
                return new(WitnessVerdict.ProofFromEmptyTree, "The consistency proof from size 0 must be empty.");
        }
        else
        {
            var check = MerkleProofs.VerifyConsistency(oldSize, checkpoint.Size, latest!.RootHash, checkpoint.RootHash, request.Proof);
            if (check != ProofCheck.Valid)
                return Equivocation(WitnessVerdict.InconsistentProof, request, latest, conclusive: false,
                    $"The consistency proof from size {oldSize} to {checkpoint.Size} fails: {check}.");
        }

        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        if (timestamp <= 0) throw new InvalidOperationException("The clock is at or before 1970; a cosignature needs a positive timestamp.");
        var cosignature = key.Cosign(checkpoint.Text, (ulong)timestamp);
        return new(WitnessVerdict.Cosigned, $"Cosigned '{checkpoint.Origin}' at size {checkpoint.Size}.")
        {
            Cosignature = cosignature,
            NewRecord = new WitnessRecord(checkpoint.Origin, checkpoint.Size, checkpoint.RootHash, request.Checkpoint.ToString()),
        };
    }

    private WitnessDecision Equivocation(WitnessVerdict verdict, AddCheckpointRequest request, WitnessRecord latest, bool conclusive, string reason) =>
        new(verdict, reason)
        {
            Evidence = new EquivocationEvidence(latest.Origin, conclusive, latest.CheckpointNote, request.Checkpoint.ToString(),
                request.OldSize, request.Proof, time.GetUtcNow()),
            NewRecord = conclusive ? latest with { Frozen = true } : null,
        };
}

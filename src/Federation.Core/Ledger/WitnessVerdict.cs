namespace Federation.Core.Ledger;

/// <summary>Every answer a witness gives to add-checkpoint, one value per reason (the HTTP status is derived).</summary>
public enum WitnessVerdict
{
    /// <summary>200: the cosignature line is the body.</summary>
    Cosigned,
    /// <summary>404: this witness follows no log with that origin.</summary>
    UnknownOrigin,
    /// <summary>403: no signature from a key trusted for the origin.</summary>
    NoTrustedSignature,
    /// <summary>403: a line names a trusted key but does not verify (tlog-witness HEAD).</summary>
    InvalidTrustedSignature,
    /// <summary>403: this witness saw the log equivocate and no longer cosigns it.</summary>
    OriginFrozen,
    /// <summary>
    /// 403: the checkpoint's origin is not the log bound to the peer that submitted it. A node submits only its own
    /// log's checkpoints; without this a peer could have another peer's origin cosigned, or written into its record.
    /// </summary>
    LogOriginNotBound,
    /// <summary>400: the old size is larger than the checkpoint's size.</summary>
    OldSizeBeyondCheckpoint,
    /// <summary>409: the old size is not the size this witness last cosigned; the body tells that size.</summary>
    OldSizeConflict,
    /// <summary>422: a size-0 checkpoint whose root is not SHA-256("") (tlog-witness HEAD).</summary>
    EmptyTreeRootMismatch,
    /// <summary>422: old size 0 with a non-empty proof.</summary>
    ProofFromEmptyTree,
    /// <summary>422: the consistency proof does not verify; evidence is produced.</summary>
    InconsistentProof,
    /// <summary>
    /// 422: a checkpoint of the cosigned size with another root — conclusive equivocation; evidence is produced
    /// and the origin is frozen. (tlog-witness v1.0.0 answers 409 when old = size and the roots differ; HEAD
    /// answers 422, which this follows because no retry with another old size can fix it.)
    /// </summary>
    SameSizeDifferentRoot,
}

using Federation.Core.Ledger;

namespace Federation.Auditor.Verify;

/// <summary>
/// <c>--witnessed DIR</c>: the witnesses' own views of the log (<c>fedctl audit witnesses</c>, one
/// <c>&lt;peer&gt;.checkpoint</c> each), held against the bundle. Each must be the log's checkpoint (its origin, signed by
/// the trusted log key) cosigned by a trusted witness key, so the node that relayed it could not have forged it. Its
/// size must not exceed the bundle's latest (<c>witnessed-larger</c>: the witness saw more than the node now shows,
/// its history was cut back), and the bundle's tree at that size must have its root (<c>witnessed-inconsistent</c>:
/// the node showed the witness another history).
/// </summary>
public static class WitnessedViews
{
    public const string FileExtension = ".checkpoint";

    /// <summary>A checkpoint and a few signature lines; anything larger is not a view.</summary>
    public const long MaxViewBytes = 64 * 1024;

    /// <returns>What held, for the summary line.</returns>
    public static string Check(string dir, VerifiedLog log, IReadOnlyList<NoteVerifier> witnessKeys)
    {
        var files = Directory.EnumerateFiles(dir, "*" + FileExtension).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new AuditFailure($"--witnessed {dir}", $"at least one <peer>{FileExtension} (fedctl audit witnesses)", "none", AuditFailure.WitnessedInvalid);
        var latest = log.Latest.Checkpoint;
        var views = new List<string>();
        foreach (var file in files)
        {
            var where = $"witnessed view {Path.GetFileName(file)}";
            SignedCheckpoint view;
            try { view = SignedCheckpoint.Parse(BoundedFile.Read(file, MaxViewBytes, where)); }
            catch (FormatException e) { throw new AuditFailure(where, "a C2SP signed checkpoint", e.Message, AuditFailure.WitnessedInvalid); }
            var checkpoint = view.Checkpoint;
            if (checkpoint.Origin != log.Origin)
                throw new AuditFailure(where, $"a checkpoint of {log.Origin}", $"one of {checkpoint.Origin}", AuditFailure.WitnessedInvalid);
            var verification = view.Verify([.. log.LogKeys, .. witnessKeys]);
            if (verification.Result == NoteCheck.InvalidSignature)
                throw new AuditFailure(where, "every signature by a trusted key to verify", $"an invalid signature by {verification.Failed}", AuditFailure.WitnessedInvalid);
            if (!verification.Verified.Any(s => log.LogKeys.Any(k => k.Name == s.Name && k.KeyId == s.KeyId)))
                throw new AuditFailure(where, "the log's signature by its trusted key", "none", AuditFailure.WitnessedInvalid);
            var witnesses = verification.Verified.Where(s => witnessKeys.Any(k => k.Name == s.Name && k.KeyId == s.KeyId)).Select(s => s.Name).Distinct().ToList();
            if (witnesses.Count == 0)
                throw new AuditFailure(where, "a cosignature by a trusted witness key", $"signatures by {string.Join(", ", view.Signatures.Select(s => s.Name))} only",
                    AuditFailure.WitnessedInvalid);
            var by = string.Join(", ", witnesses);
            if (checkpoint.Size > latest.Size)
                throw new AuditFailure(where, $"a size at most the bundle's latest checkpoint's {latest.Size}",
                    $"{by} cosigned size {checkpoint.Size}: the witness saw a larger log than the node exported; its history was cut back",
                    AuditFailure.WitnessedLarger);
            var root = log.Tree.RootAsync(checkpoint.Size).AsTask().GetAwaiter().GetResult();
            if (root != checkpoint.RootHash)
                throw new AuditFailure($"{where}: root", $"{checkpoint.RootHash} (cosigned by {by})",
                    $"{root} rebuilt from the bundle's first {checkpoint.Size} entries: the node showed the witness another history",
                    AuditFailure.WitnessedInconsistent);
            views.Add($"{by} at size {checkpoint.Size}");
        }
        return $"{views.Count} witnessed views consistent with the bundle ({string.Join("; ", views)})";
    }
}

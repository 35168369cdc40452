using Federation.Core.Ledger;

namespace Federation.Auditor.Verify;

/// <summary>
/// <c>--fresh-since T</c>: the latest checkpoint must carry cosignatures by at least k distinct trusted witness keys
/// timestamped at or after T (tlog-cosignature v1 signs its timestamp, so the time is the witness's word, not the
/// node's). An auditor gives the time they asked for the export: <c>fedctl audit export</c> has the node sign and
/// gather cosignatures then, and a witness cosigns only the largest consistent tree it has seen. A node whose history
/// was cut back to an earlier cosigned checkpoint can show old cosignatures only, and fails here.
/// </summary>
public static class Freshness
{
    /// <returns>What held, for the summary line.</returns>
    public static string Check(VerifiedLog log, IReadOnlyList<NoteVerifier> witnessKeys, int quorum, DateTimeOffset since)
    {
        var tally = Cosignatures.Count(log.Latest.Verify([.. log.LogKeys, .. witnessKeys]), witnessKeys, since);
        var newest = tally.NewestByKey.Where(w => w.Value is not null).ToDictionary(w => w.Key, w => w.Value!.Value);
        // Distinct keys, never lines: a witness's repeated cosignatures count once (witness-duplicated, BundleVerifier).
        var fresh = newest.Where(w => w.Value >= since).Select(w => w.Key.Name).Order(StringComparer.Ordinal).ToList();
        if (fresh.Count < quorum)
        {
            var stale = newest.Where(w => w.Value < since).OrderBy(w => w.Key.Name, StringComparer.Ordinal).Select(w => $"{w.Key.Name} at {w.Value:u}").ToList();
            throw new AuditFailure($"latest checkpoint (size {log.Latest.Checkpoint.Size})",
                $"cosignatures by at least {quorum} distinct trusted witnesses timestamped at or after {since:u}",
                $"{fresh.Count} fresh{(fresh.Count > 0 ? $" ({string.Join(", ", fresh)})" : "")}; "
                + (stale.Count > 0 ? $"older: {string.Join(", ", stale)}" : "no other trusted cosignature")
                + ": the witnesses did not cosign this tree when asked (they refuse a log cut back below what they saw)",
                AuditFailure.WitnessStale);
        }
        return $"{fresh.Count} distinct trusted witnesses cosigned it at or after {since:u} (quorum {quorum})";
    }
}

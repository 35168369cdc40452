using Federation.Core.Ledger;

namespace Federation.Auditor.Verify;

/// <summary>
/// Counts the witnesses behind a checkpoint's verified cosignatures. A witness cosigns the same checkpoint again, with
/// a new timestamp, each time it is asked, so lines are never witnesses: the count is of distinct trusted witness keys
/// (name and key id). With a freshness bound, only cosignatures timestamped at or after it count (tlog-cosignature v1
/// signs its timestamp), so a checkpoint cosigned long ago cannot pass for the witnesses' view of today.
/// </summary>
public static class Cosignatures
{
    /// <summary>How many distinct trusted keys cosigned (fresh enough, if asked), and how many lines and keys there were in all.</summary>
    /// <param name="NewestByKey">Each trusted key's newest cosignature time (null when its line carries none).</param>
    public sealed record Tally(int Distinct, int Lines, int DistinctAnyTime, DateTimeOffset? Newest,
        IReadOnlyDictionary<(string Name, NoteKeyId KeyId), DateTimeOffset?> NewestByKey);

    public static Tally Count(NoteVerification verification, IReadOnlyList<NoteVerifier> witnessKeys, DateTimeOffset? freshSince)
    {
        var lines = verification.Verified.Where(s => witnessKeys.Any(k => k.Name == s.Name && k.KeyId == s.KeyId)).ToList();
        var fresh = new HashSet<(string, NoteKeyId)>();
        DateTimeOffset? newest = null;
        var byKey = new Dictionary<(string, NoteKeyId), DateTimeOffset?>();
        foreach (var line in lines)
        {
            DateTimeOffset? at = CosignatureV1Verifier.TryReadTimestamp(line, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds((long)seconds) : null;
            if (at > newest || newest is null) newest = at;
            if (!byKey.TryGetValue((line.Name, line.KeyId), out var seen) || at > seen) byKey[(line.Name, line.KeyId)] = at;
            if (freshSince is not { } since || at >= since) fresh.Add((line.Name, line.KeyId));
        }
        return new Tally(fresh.Count, lines.Count, byKey.Count, newest, byKey);
    }

    /// <summary>Throws the <see cref="AuditFailure"/> that says why <paramref name="tally"/> falls short of <paramref name="quorum"/>:
    /// stale cosignatures (<see cref="AuditFailure.WitnessStale"/>), one witness's repeated lines, or too few witnesses.</summary>
    public static void Require(Tally tally, int quorum, DateTimeOffset? freshSince, IReadOnlyList<NoteVerifier> witnessKeys, string where)
    {
        if (tally.Distinct >= quorum) return;
        if (freshSince is { } since && tally.DistinctAnyTime >= quorum)
            throw new AuditFailure(where, $"at least {quorum} cosignatures by distinct trusted witnesses timestamped at or after {since:u}",
                $"{tally.Distinct} that fresh (the newest is of {tally.Newest:u}): the witnesses have not been asked about this checkpoint since", AuditFailure.WitnessStale);
        if (tally.Lines >= quorum)
            throw new AuditFailure(where, $"at least {quorum} cosignatures by distinct trusted witnesses",
                $"{tally.Lines} cosignature lines by only {tally.DistinctAnyTime} distinct witness keys: one witness's repeated cosignatures count once",
                AuditFailure.WitnessDuplicated);
        throw new AuditFailure(where, $"at least {quorum} cosignatures by trusted witnesses",
            $"{tally.Distinct} (trusted witness keys: {(witnessKeys.Count == 0 ? "none" : string.Join(", ", witnessKeys.Select(k => k.Name)))})",
            AuditFailure.WitnessQuorum);
    }
}

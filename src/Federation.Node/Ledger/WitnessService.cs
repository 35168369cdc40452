using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Node.Hosting;
using Federation.Node.Peers;
using Marten;

namespace Federation.Node.Ledger;

/// <summary>
/// This node as a C2SP tlog-witness of its peers' logs. It follows every configured peer's log, identified by the
/// log key in the peer's verified descriptor (whose name is the origin). The decision is Core's
/// <see cref="Witness.Decide"/>; this class makes it atomic: read the origin's record, decide, store by
/// compare-and-swap, decide again if another request got there first, and only then answer.
/// </summary>
public sealed class WitnessService(NodeSettingsMonitor settings, IDocumentStore store, PeerMonitor monitor, WitnessRecords records,
    LedgerSettings ledger, TimeProvider time, ILogger<WitnessService> log)
{
    private const int MaxAttempts = 8;

    private readonly Witness _witness = new(ledger.WitnessKey, time);

    public async Task<WitnessDecision> AddCheckpointAsync(NodeId caller, AddCheckpointRequest request, CancellationToken ct)
    {
        var origin = request.Checkpoint.Checkpoint.Origin;
        var followed = await FollowedLogAsync(origin, caller, ct);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var (latest, seq) = followed is null ? (null, 0) : await records.LatestAsync(origin, ct);
            var decision = _witness.Decide(request, followed, latest);
            if (!await records.TryStoreAsync(decision, seq, caller, ct)) continue;
            if (decision.Evidence is { } evidence)
                log.LogCritical("ALERT: log {Origin} equivocated (submitted by {Peer}, conclusive: {Conclusive}): {Reason}. Both signed checkpoints are kept as evidence{Frozen}.",
                    origin, caller, evidence.Conclusive, decision.Reason, evidence.Conclusive ? "; this witness no longer cosigns that log" : "");
            else if (decision.Verdict != WitnessVerdict.Cosigned)
                log.LogWarning("Witness refused a checkpoint of {Origin} from {Peer}: {Verdict} ({Reason})", origin, caller, decision.Verdict, decision.Reason);
            return decision;
        }
        throw new InvalidOperationException($"Could not store a witness decision for {origin} after {MaxAttempts} attempts (contention).");
    }

    /// <summary>The configured peer whose published log key is named <paramref name="origin"/>, or null. A calling peer
    /// whose descriptor this node has not verified yet (first contact) has it fetched once.</summary>
    private async Task<WitnessedLog?> FollowedLogAsync(string origin, NodeId caller, CancellationToken ct)
    {
        var peers = settings.Current.Peers;
        await using var session = store.QuerySession();
        var statuses = await session.LoadManyAsync<PeerStatus>(ct, peers.Keys.Select(p => p.Value).ToArray());
        if (Find(statuses, origin) is { } found) return found;
        if (peers.TryGetValue(caller, out var peer) && statuses.FirstOrDefault(s => s.Id == caller.Value)?.Descriptor?.LogPublicKey is null)
            return Find([await monitor.RefreshAsync(peer, ct)], origin);
        return null;
    }

    private static WitnessedLog? Find(IEnumerable<PeerStatus> statuses, string origin)
    {
        foreach (var status in statuses)
        {
            if (status.Descriptor?.LogPublicKey is not { } key) continue;
            NoteVerifier verifier;
            try { verifier = NoteVerifier.Parse(key); }
            catch (FormatException) { continue; }
            if (verifier.Name == origin && verifier.Type == NoteKeyType.Ed25519) return new WitnessedLog(origin, [verifier]);
        }
        return null;
    }
}

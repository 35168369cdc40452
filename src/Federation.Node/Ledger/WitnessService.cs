using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Node.Hosting;
using Federation.Node.Peers;
using Marten;

namespace Federation.Node.Ledger;

/// <summary>
/// This node as a C2SP tlog-witness of its peers' logs. It follows every configured peer's log, identified by the
/// log key in the peer's verified descriptor, whose name is the origin bound to that peer (<see cref="PeerSettings.LogOrigin"/>);
/// a peer submits only its own log. The decision is Core's
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
        // Each peer submits its own log only. Without the binding a peer could submit another peer's origin and, with
        // a descriptor naming its key after it, have its checkpoints cosigned as that log's and the real log frozen.
        // An origin bound to no peer stays the spec's 404 (Decide, with no followed log).
        var peers = settings.Current.Peers;
        if (!peers.TryGetValue(caller, out var peer) || peer.LogOrigin != origin && peers.Values.Any(p => p.LogOrigin == origin))
        {
            var refused = new WitnessDecision(WitnessVerdict.LogOriginNotBound,
                $"{caller} may only submit checkpoints of its own log{(peer is null ? "" : $" '{peer.LogOrigin}'")}, not '{origin}'.");
            log.LogWarning("Witness refused a checkpoint of {Origin} from {Peer}: {Verdict} ({Reason})", origin, caller, refused.Verdict, refused.Reason);
            return refused;
        }
        var followed = peer.LogOrigin == origin ? await FollowedLogAsync(peer, ct) : null;
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

    /// <summary>The log <paramref name="peer"/> publishes in its verified descriptor under its bound origin, or null. A
    /// peer whose descriptor this node has not verified yet (first contact) has it fetched once.</summary>
    private async Task<WitnessedLog?> FollowedLogAsync(PeerSettings peer, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var status = await session.LoadAsync<PeerStatus>(peer.NodeId.Value, ct);
        if (status?.Descriptor?.LogPublicKey is null) status = await monitor.RefreshAsync(peer, ct);
        return Find(status, peer.LogOrigin);
    }

    private static WitnessedLog? Find(PeerStatus status, string origin)
    {
        if (status.Descriptor?.LogPublicKey is not { } key) return null;
        NoteVerifier verifier;
        try { verifier = NoteVerifier.Parse(key); }
        catch (FormatException) { return null; }
        // The descriptor's verifier already bound the name to the peer; checked again because the status may have
        // been stored before that check existed.
        return verifier.Name == origin && verifier.Type == NoteKeyType.Ed25519 ? new WitnessedLog(origin, [verifier]) : null;
    }
}

using System.Globalization;
using System.Net;
using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Node.Hosting;
using Federation.Node.Peers;
using Marten;

namespace Federation.Node.Ledger;

/// <summary>
/// The log side of witnessing: submits a signed checkpoint to every peer's add-checkpoint, with a consistency proof
/// from the size that peer last cosigned, checks each returned cosignature with the witness key in the peer's
/// verified descriptor, and stores it with the checkpoint. Peers are asked in parallel with a timeout each, so one
/// that is down delays no other. A 409 (the peer knows another size, e.g. its answer was lost) is retried once from
/// the size it names. Re-entrant: a peer that already cosigned the checkpoint is not asked again.
/// </summary>
public sealed class Witnessing(NodeSettingsMonitor settings, IDocumentStore store, PeerMonitor monitor, PeerClient clients, LedgerLog log,
    LedgerCheckpoints checkpoints, Sync.SyncOptions options, ILogger<Witnessing> logger)
{
    private static readonly TimeSpan PerPeerTimeout = TimeSpan.FromSeconds(15);

    public sealed record Outcome(NodeId Peer, bool Cosigned, string Detail);

    public async Task<IReadOnlyList<Outcome>> CollectAsync(StoredCheckpoint checkpoint, CancellationToken ct)
    {
        var already = checkpoint.Cosignatures.Select(c => c.Witness).ToHashSet();
        var peers = settings.Current.Peers.Values.Where(p => !already.Contains(p.NodeId)).ToList();
        return await Task.WhenAll(peers.Select(p => AskAsync(p, checkpoint, ct)));
    }

    private async Task<Outcome> AskAsync(PeerSettings peer, StoredCheckpoint checkpoint, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PerPeerTimeout);
        try
        {
            var outcome = await AskOnceOrTwiceAsync(peer, checkpoint, timeout.Token);
            if (!outcome.Cosigned) logger.LogWarning("Peer {Peer} did not cosign checkpoint {Id} (size {Size}): {Detail}", peer.NodeId, checkpoint.Id, checkpoint.Size, outcome.Detail);
            return outcome;
        }
        catch (PeerAnswerRefused refused) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Peer {Peer} broke a bound while witnessing: {Reason} ({Detail})", peer.NodeId, refused.Reason, refused.Detail);
            return new Outcome(peer.NodeId, false, $"{refused.Reason}: {refused.Detail}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Peer {Peer} unreachable for witnessing: {Reason}", peer.NodeId, e.Message);
            return new Outcome(peer.NodeId, false, e is TaskCanceledException ? "timed out" : e.Message);
        }
    }

    private async Task<Outcome> AskOnceOrTwiceAsync(PeerSettings peer, StoredCheckpoint checkpoint, CancellationToken ct)
    {
        if (await WitnessKeyAsync(peer, ct) is not { } witnessKey)
            return new Outcome(peer.NodeId, false, "no verified descriptor with a witness key");
        var size = checkpoint.Size;
        var old = await checkpoints.LastCosignedSizeAsync(peer.NodeId, ct);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (old > size) return new Outcome(peer.NodeId, false, $"the peer cosigned size {old}, beyond this checkpoint's {size}");
            var proof = await log.ConsistencyProofAsync(old, size, ct);
            using var body = new ByteArrayContent(AddCheckpointRequest.Create(old, proof, checkpoint.Signed).ToBytes());
            using var request = new HttpRequestMessage(HttpMethod.Post, WitnessApi.AddCheckpointPath.TrimStart('/')) { Content = body };
            using var response = await BoundedBody.SendAsync(clients.For(peer), request, options.IdleRead, ct);
            // A cosignature line, a size or a problem: small, so a peer answering more is cut off, not buffered.
            var text = System.Text.Encoding.UTF8.GetString(
                await BoundedBody.ReadAsync(response.Content, Sync.SyncOptions.MaxAnswerBytes, PeerAnswerRefused.AnswerTooLarge, options.IdleRead, ct));
            if (response.StatusCode == HttpStatusCode.Conflict && response.Content.Headers.ContentType?.MediaType == WitnessDecision.SizeContentType)
            {
                if (!ulong.TryParse(text.TrimEnd('\n'), NumberStyles.None, CultureInfo.InvariantCulture, out var known) || known == old)
                    return new Outcome(peer.NodeId, false, $"409 with an unusable size '{text.TrimEnd()}'");
                old = known;
                continue;
            }
            if (response.StatusCode != HttpStatusCode.OK)
                return new Outcome(peer.NodeId, false, $"HTTP {(int)response.StatusCode}: {text}");
            return await AcceptAsync(peer, checkpoint, witnessKey, text, ct);
        }
        return new Outcome(peer.NodeId, false, "409 twice");
    }

    /// <summary>Keeps the returned line only if it is a valid cosignature of exactly this checkpoint by that peer's witness key.</summary>
    private async Task<Outcome> AcceptAsync(PeerSettings peer, StoredCheckpoint checkpoint, NoteVerifier witnessKey, string body, CancellationToken ct)
    {
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            NoteSignature signature;
            try { signature = NoteSignature.ParseLine(line); }
            catch (FormatException) { continue; }
            if (signature.Name != witnessKey.Name || signature.KeyId != witnessKey.KeyId) continue;
            var check = checkpoint.Signed.WithCosignatures([signature]).Verify([witnessKey]);
            if (!check.IsValid || !CosignatureV1Verifier.TryReadTimestamp(signature, out var seconds))
                return new Outcome(peer.NodeId, false, "the returned cosignature does not verify with the peer's witness key");
            await checkpoints.AddCosignatureAsync(checkpoint.Id, peer.NodeId, signature, DateTimeOffset.FromUnixTimeSeconds((long)seconds), ct);
            logger.LogInformation("Peer {Peer} cosigned checkpoint {Id} (size {Size})", peer.NodeId, checkpoint.Id, checkpoint.Size);
            return new Outcome(peer.NodeId, true, string.Create(CultureInfo.InvariantCulture, $"cosigned at {seconds}"));
        }
        return new Outcome(peer.NodeId, false, $"no cosignature line from {witnessKey.Name}+{witnessKey.KeyId} in the answer");
    }

    private async Task<NoteVerifier?> WitnessKeyAsync(PeerSettings peer, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var status = await session.LoadAsync<PeerStatus>(peer.NodeId.Value, ct);
        if (status?.Descriptor?.WitnessPublicKey is null) status = await monitor.RefreshAsync(peer, ct);
        if (status.Descriptor?.WitnessPublicKey is not { } key) return null;
        try
        {
            var verifier = NoteVerifier.Parse(key);
            return verifier.Type == NoteKeyType.CosignatureV1 ? verifier : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

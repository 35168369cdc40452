using System.Globalization;
using System.Net;
using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Node.Hosting;
using Federation.Node.Peers;
using Marten;

namespace Federation.Node.Ledger;

/// <summary>
/// The log side of witnessing: submits a signed checkpoint to every peer's add-checkpoint and to every outside witness
/// (<c>Node:Ledger:Witnesses</c>, any C2SP tlog-witness), with a consistency proof from the size that witness last
/// cosigned, checks each returned cosignature with the witness's key (a peer's from its verified descriptor, an
/// outside witness's from the configuration), and stores it with the checkpoint. All are asked in parallel with a
/// timeout each, so one that is down delays no other. A 409 (the witness knows another size, e.g. its answer was lost)
/// is retried once from the size it names. Re-entrant: a witness that already cosigned the checkpoint is not asked again.
/// </summary>
public sealed class Witnessing(NodeSettingsMonitor settings, IDocumentStore store, PeerMonitor monitor, PeerClient clients, LedgerLog log,
    LedgerCheckpoints checkpoints, LedgerSettings ledger, OutsideWitnessClients outside, Sync.SyncOptions options, ILogger<Witnessing> logger)
{
    private static readonly TimeSpan PerWitnessTimeout = TimeSpan.FromSeconds(15);

    public sealed record Outcome(CosignerId Witness, bool Cosigned, string Detail);

    /// <summary>One witness to ask: how it is stored, where its add-checkpoint is, and how its key is found.</summary>
    private sealed record Target(CosignerId Id, Func<HttpClient> Client, string Path, Func<CancellationToken, Task<NoteVerifier?>> Key, string NoKey);

    public async Task<IReadOnlyList<Outcome>> CollectAsync(StoredCheckpoint checkpoint, CancellationToken ct)
    {
        var already = checkpoint.Cosignatures.Select(c => c.Witness).ToHashSet();
        var targets = settings.Current.Peers.Values
            .Select(p => new Target(CosignerId.Peer(p.NodeId), () => clients.For(p), WitnessApi.AddCheckpointPath.TrimStart('/'),
                c => WitnessKeyAsync(p, c), "no verified descriptor with a witness key"))
            .Concat(ledger.Witnesses.Select(w => new Target(w.Id, () => outside.For(w), OutsideWitness.AddCheckpointPath,
                _ => Task.FromResult<NoteVerifier?>(w.Key), "")))
            .Where(t => !already.Contains(t.Id)).ToList();
        return await Task.WhenAll(targets.Select(t => AskAsync(t, checkpoint, ct)));
    }

    private async Task<Outcome> AskAsync(Target witness, StoredCheckpoint checkpoint, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PerWitnessTimeout);
        try
        {
            var outcome = await AskOnceOrTwiceAsync(witness, checkpoint, timeout.Token);
            if (!outcome.Cosigned) logger.LogWarning("Witness {Witness} did not cosign checkpoint {Id} (size {Size}): {Detail}", witness.Id, checkpoint.Id, checkpoint.Size, outcome.Detail);
            return outcome;
        }
        catch (PeerAnswerRefused refused) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Witness {Witness} broke a bound while witnessing: {Reason} ({Detail})", witness.Id, refused.Reason, refused.Detail);
            return new Outcome(witness.Id, false, $"{refused.Reason}: {refused.Detail}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Witness {Witness} unreachable for witnessing: {Reason}", witness.Id, e.Message);
            return new Outcome(witness.Id, false, e is TaskCanceledException ? "timed out" : e.Message);
        }
    }

    private async Task<Outcome> AskOnceOrTwiceAsync(Target witness, StoredCheckpoint checkpoint, CancellationToken ct)
    {
        if (await witness.Key(ct) is not { } witnessKey)
            return new Outcome(witness.Id, false, witness.NoKey);
        var size = checkpoint.Size;
        var old = await checkpoints.LastCosignedSizeAsync(witness.Id, ct);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (old > size) return new Outcome(witness.Id, false, $"the witness cosigned size {old}, beyond this checkpoint's {size}");
            var proof = await log.ConsistencyProofAsync(old, size, ct);
            using var body = new ByteArrayContent(AddCheckpointRequest.Create(old, proof, checkpoint.Signed).ToBytes());
            using var request = new HttpRequestMessage(HttpMethod.Post, witness.Path) { Content = body };
            using var response = await BoundedBody.SendAsync(witness.Client(), request, options.IdleRead, ct);
            // A cosignature line, a size or a problem: small, so a witness answering more is cut off, not buffered.
            var text = System.Text.Encoding.UTF8.GetString(
                await BoundedBody.ReadAsync(response.Content, Sync.SyncOptions.MaxAnswerBytes, PeerAnswerRefused.AnswerTooLarge, options.IdleRead, ct));
            if (response.StatusCode == HttpStatusCode.Conflict && response.Content.Headers.ContentType?.MediaType == WitnessDecision.SizeContentType)
            {
                if (!ulong.TryParse(text.TrimEnd('\n'), NumberStyles.None, CultureInfo.InvariantCulture, out var known) || known == old)
                    return new Outcome(witness.Id, false, $"409 with an unusable size '{text.TrimEnd()}'");
                old = known;
                continue;
            }
            if (response.StatusCode != HttpStatusCode.OK)
                return new Outcome(witness.Id, false, $"HTTP {(int)response.StatusCode}: {text}");
            return await AcceptAsync(witness.Id, checkpoint, witnessKey, text, ct);
        }
        return new Outcome(witness.Id, false, "409 twice");
    }

    /// <summary>Keeps the returned line only if it is a valid cosignature of exactly this checkpoint by that witness's key.</summary>
    private async Task<Outcome> AcceptAsync(CosignerId witness, StoredCheckpoint checkpoint, NoteVerifier witnessKey, string body, CancellationToken ct)
    {
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            NoteSignature signature;
            try { signature = NoteSignature.ParseLine(line); }
            catch (FormatException) { continue; }
            if (signature.Name != witnessKey.Name || signature.KeyId != witnessKey.KeyId) continue;
            var check = checkpoint.Signed.WithCosignatures([signature]).Verify([witnessKey]);
            if (!check.IsValid || !CosignatureV1Verifier.TryReadTimestamp(signature, out var seconds))
                return new Outcome(witness, false, "the returned cosignature does not verify with the witness's key");
            await checkpoints.AddCosignatureAsync(checkpoint.Id, witness, signature, DateTimeOffset.FromUnixTimeSeconds((long)seconds), ct);
            logger.LogInformation("Witness {Witness} cosigned checkpoint {Id} (size {Size})", witness, checkpoint.Id, checkpoint.Size);
            return new Outcome(witness, true, string.Create(CultureInfo.InvariantCulture, $"cosigned at {seconds}"));
        }
        return new Outcome(witness, false, $"no cosignature line from {witnessKey.Name}+{witnessKey.KeyId} in the answer");
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

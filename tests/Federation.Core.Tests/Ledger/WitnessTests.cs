using System.Text;
using Federation.Core.Ledger;
using Federation.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Core.Tests.Ledger;

public sealed class WitnessTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly CosignatureV1Signer _key = CosignatureV1Signer.FromSeed("witness.example/w1", Enumerable.Repeat((byte)7, 32).ToArray());
    private readonly TestLog _log = new TestLog().Append(8, seed: 1);
    private readonly Witness _witness;

    public WitnessTests() => _witness = new Witness(_key, _clock);

    public void Dispose()
    {
        _key.Dispose();
        _log.Dispose();
    }

    /// <summary>Cosigns the log's current checkpoint from nothing and returns the record to store.</summary>
    private WitnessRecord FirstRecord()
    {
        var decision = _witness.Decide(_log.Request(0), _log.Followed, null);
        Assert.Equal(WitnessVerdict.Cosigned, decision.Verdict);
        return decision.NewRecord!;
    }

    [Fact]
    public void Cosigns_the_first_checkpoint_of_a_log_with_old_size_zero()
    {
        var request = _log.Request(0);
        var decision = _witness.Decide(request, _log.Followed, null);

        Assert.Equal(WitnessVerdict.Cosigned, decision.Verdict);
        Assert.Equal(200, decision.StatusCode);
        Assert.Equal(new WitnessRecord(_log.Origin, 8, request.Checkpoint.Checkpoint.RootHash, request.Checkpoint.ToString()), decision.NewRecord);
        Assert.Null(decision.Evidence);

        // The body is a cosignature line over the checkpoint, timestamped by the injected clock, that a client
        // appends to the checkpoint and verifies with the witness key.
        var line = NoteSignature.ParseLine(decision.ResponseBody!.TrimEnd('\n'));
        Assert.True(CosignatureV1Verifier.TryReadTimestamp(line, out var timestamp));
        Assert.Equal((ulong)Now.ToUnixTimeSeconds(), timestamp);
        var cosigned = SignedCheckpoint.Parse(request.Checkpoint.ToString() + decision.ResponseBody);
        Assert.Equal(NoteCheck.Valid, cosigned.Verify([_log.Key.Verifier, NoteVerifier.Parse(_key.Verifier.ToString())]).Result);
    }

    [Fact]
    public void Cosigns_a_consistent_extension_of_the_cosigned_tree()
    {
        var latest = FirstRecord();
        _log.Append(5, seed: 2);
        var decision = _witness.Decide(_log.Request(8), _log.Followed, latest);
        Assert.Equal(WitnessVerdict.Cosigned, decision.Verdict);
        Assert.Equal(13UL, decision.NewRecord!.Size);
    }

    [Fact]
    public void Cosigns_the_same_checkpoint_again_with_a_fresh_timestamp()
    {
        var latest = FirstRecord();
        _clock.Advance(TimeSpan.FromMinutes(5));
        var decision = _witness.Decide(_log.Request(8), _log.Followed, latest);
        Assert.Equal(WitnessVerdict.Cosigned, decision.Verdict);
        Assert.True(CosignatureV1Verifier.TryReadTimestamp(decision.Cosignature!.Value, out var timestamp));
        Assert.Equal((ulong)Now.AddMinutes(5).ToUnixTimeSeconds(), timestamp);
    }

    [Fact]
    public void Cosigns_a_new_note_of_the_cosigned_size_and_root_and_keeps_it_as_the_latest()
    {
        // A log asked for a fresh checkpoint signs the unchanged tree again with a new time line: a new note, the
        // same size and root. tlog-witness: old size = size, an empty proof, equal roots is consistent.
        var latest = FirstRecord();
        _clock.Advance(TimeSpan.FromHours(1));
        var fresh = SignedCheckpoint.Sign(Checkpoint.Create(_log.Origin, _log.Size, _log.Checkpoint().Checkpoint.RootHash, ["time 1772370000"]), _log.Key);
        Assert.NotEqual(latest.CheckpointNote, fresh.ToString());

        var decision = _witness.Decide(AddCheckpointRequest.Create(8, [], fresh), _log.Followed, latest);

        Assert.Equal(WitnessVerdict.Cosigned, decision.Verdict);
        Assert.Equal(fresh.ToString(), decision.NewRecord!.CheckpointNote);
        Assert.True(CosignatureV1Verifier.TryReadTimestamp(decision.Cosignature!.Value, out var timestamp));
        Assert.Equal((ulong)Now.AddHours(1).ToUnixTimeSeconds(), timestamp);
        Assert.Equal(NoteCheck.Valid, fresh.WithCosignatures([decision.Cosignature.Value]).Verify([NoteVerifier.Parse(_key.Verifier.ToString())]).Result);
    }

    [Fact]
    public void Ignores_cosignatures_of_other_witnesses_on_the_submitted_checkpoint()
    {
        using var other = CosignatureV1Signer.FromSeed("witness.example/w2", Enumerable.Repeat((byte)8, 32).ToArray());
        var checkpoint = _log.Checkpoint();
        var withOther = checkpoint.WithCosignatures([other.Cosign(checkpoint.Checkpoint.Text, 1)]);
        var decision = _witness.Decide(AddCheckpointRequest.Create(0, [], withOther), _log.Followed, null);
        Assert.Equal(WitnessVerdict.Cosigned, decision.Verdict);
    }

    [Fact]
    public void Answers_404_for_an_origin_it_does_not_follow()
    {
        using var stranger = new TestLog("stranger.example/log").Append(3, seed: 1);
        var decision = _witness.Decide(stranger.Request(0), null, null);
        Assert.Equal(WitnessVerdict.UnknownOrigin, decision.Verdict);
        Assert.Equal(404, decision.StatusCode);
        Assert.Null(decision.NewRecord);
        Assert.Equal(WitnessVerdict.UnknownOrigin, _witness.Decide(stranger.Request(0), _log.Followed, null).Verdict);
    }

    [Fact]
    public void Answers_403_for_a_checkpoint_signed_by_an_untrusted_key()
    {
        using var impostor = new TestLog(_log.Origin, keySeed: 2).Append(8, seed: 1);
        var decision = _witness.Decide(impostor.Request(0), _log.Followed, null);
        Assert.Equal(WitnessVerdict.NoTrustedSignature, decision.Verdict);
        Assert.Equal(403, decision.StatusCode);
        Assert.Null(decision.NewRecord);
    }

    [Fact]
    public void Answers_403_when_the_trusted_key_signature_does_not_verify()
    {
        var request = _log.Request(0);
        var note = request.Checkpoint.ToString();
        // One changed byte in the size line: still a checkpoint, no longer what the log signed.
        var tampered = SignedCheckpoint.Parse(note.Replace("\n8\n", "\n9\n"));
        var decision = _witness.Decide(AddCheckpointRequest.Create(0, [], tampered), _log.Followed, null);
        Assert.Equal(WitnessVerdict.InvalidTrustedSignature, decision.Verdict);
        Assert.Equal(403, decision.StatusCode);
    }

    [Fact]
    public void Answers_400_when_the_old_size_exceeds_the_checkpoint()
    {
        var latest = FirstRecord();
        var request = AddCheckpointRequest.Create(9, [], _log.Checkpoint());
        var decision = _witness.Decide(request, _log.Followed, latest);
        Assert.Equal(WitnessVerdict.OldSizeBeyondCheckpoint, decision.Verdict);
        Assert.Equal(400, decision.StatusCode);
    }

    [Fact]
    public void Answers_409_with_the_cosigned_size_when_the_old_size_is_not_it()
    {
        var latest = FirstRecord();
        _log.Append(4, seed: 2);
        var decision = _witness.Decide(_log.Request(5), _log.Followed, latest);
        Assert.Equal(WitnessVerdict.OldSizeConflict, decision.Verdict);
        Assert.Equal(409, decision.StatusCode);
        Assert.Equal("text/x.tlog.size", decision.ContentType);
        Assert.Equal("8\n", decision.ResponseBody);
        Assert.Null(decision.NewRecord);

        // A client that knows nothing probes with old 0 and learns the size the same way.
        Assert.Equal("8\n", _witness.Decide(_log.Request(0), _log.Followed, latest).ResponseBody);
    }

    [Fact]
    public void Answers_422_for_an_empty_tree_with_another_root()
    {
        var bogus = SignedCheckpoint.Sign(Checkpoint.Create(_log.Origin, 0, Rfc6962.LeafHash([])), _log.Key);
        var decision = _witness.Decide(AddCheckpointRequest.Create(0, [], bogus), _log.Followed, null);
        Assert.Equal(WitnessVerdict.EmptyTreeRootMismatch, decision.Verdict);
        Assert.Equal(422, decision.StatusCode);
    }

    [Fact]
    public void Answers_422_for_a_proof_from_old_size_zero()
    {
        var request = AddCheckpointRequest.Create(0, [Rfc6962.EmptyRoot], _log.Checkpoint());
        var decision = _witness.Decide(request, _log.Followed, null);
        Assert.Equal(WitnessVerdict.ProofFromEmptyTree, decision.Verdict);
        Assert.Equal(422, decision.StatusCode);
        Assert.Null(decision.Evidence);
    }

    [Fact]
    public void Answers_422_and_keeps_evidence_when_the_proof_does_not_verify()
    {
        var latest = FirstRecord();
        _log.Append(5, seed: 2);
        var proof = _log.Proof(8).ToList();
        proof[0] = TestTrees.FlipBit(proof[0]);
        var request = AddCheckpointRequest.Create(8, proof, _log.Checkpoint());

        var decision = _witness.Decide(request, _log.Followed, latest);

        Assert.Equal(WitnessVerdict.InconsistentProof, decision.Verdict);
        Assert.Equal(422, decision.StatusCode);
        Assert.Contains(nameof(ProofCheck.RootMismatch), decision.Reason);
        var evidence = decision.Evidence!;
        Assert.False(evidence.Conclusive);
        Assert.Equal(latest.CheckpointNote, evidence.CosignedCheckpointNote);
        Assert.Equal(request.Checkpoint.ToString(), evidence.SubmittedCheckpointNote);
        Assert.Equal(proof, evidence.Proof);
        Assert.Equal(Now, evidence.ObservedAt);
        // A bad proof may come from anyone relaying a public checkpoint: it is recorded, nothing is frozen.
        Assert.Null(decision.NewRecord);
    }

    [Fact]
    public void Refuses_a_fork_of_the_same_size_keeps_both_signed_notes_and_stops_cosigning()
    {
        var latest = FirstRecord();
        // The same log key signs a different history of the same size.
        using var fork = new TestLog(_log.Origin).Append(8, seed: 666);
        var request = fork.Request(8);

        var decision = _witness.Decide(request, _log.Followed, latest);

        Assert.Equal(WitnessVerdict.SameSizeDifferentRoot, decision.Verdict);
        Assert.Equal(422, decision.StatusCode);
        var evidence = decision.Evidence!;
        Assert.True(evidence.Conclusive);
        Assert.Equal(_log.Origin, evidence.Origin);
        // Anyone with the log's public key can check the evidence: two valid signatures, one size, two roots.
        var first = SignedCheckpoint.Parse(evidence.CosignedCheckpointNote);
        var second = SignedCheckpoint.Parse(evidence.SubmittedCheckpointNote);
        Assert.Equal(NoteCheck.Valid, first.Verify(_log.Followed.LogKeys).Result);
        Assert.Equal(NoteCheck.Valid, second.Verify(_log.Followed.LogKeys).Result);
        Assert.Equal(first.Checkpoint.Size, second.Checkpoint.Size);
        Assert.NotEqual(first.Checkpoint.RootHash, second.Checkpoint.RootHash);
        Assert.Equal(latest with { Frozen = true }, decision.NewRecord);

        // Once frozen, even the honest-looking branch is refused.
        _log.Append(2, seed: 3);
        var after = _witness.Decide(_log.Request(8), _log.Followed, decision.NewRecord);
        Assert.Equal(WitnessVerdict.OriginFrozen, after.Verdict);
        Assert.Equal(403, after.StatusCode);
        Assert.Null(after.NewRecord);
    }

    [Fact]
    public void Catches_a_same_size_fork_even_when_the_client_claims_another_old_size()
    {
        var latest = FirstRecord();
        using var fork = new TestLog(_log.Origin).Append(8, seed: 666);
        var decision = _witness.Decide(fork.Request(0), _log.Followed, latest);
        Assert.Equal(WitnessVerdict.SameSizeDifferentRoot, decision.Verdict);
        Assert.True(decision.Evidence!.Conclusive);
    }

    [Fact]
    public void Refuses_a_larger_fork_whose_proof_starts_from_another_history()
    {
        var latest = FirstRecord();
        // Same key and origin, the same first 5 leaves, then another history. Its proof from 8 is correct for
        // its own tree, whose size-8 root is not the one this witness cosigned.
        using var fork = new TestLog(_log.Origin).Append(5, seed: 1);
        fork.Append(7, seed: 99);
        Assert.Equal(NoteCheck.Valid, fork.Checkpoint().Verify(_log.Followed.LogKeys).Result);

        var decision = _witness.Decide(fork.Request(8), _log.Followed, latest);

        Assert.Equal(WitnessVerdict.InconsistentProof, decision.Verdict);
        Assert.False(decision.Evidence!.Conclusive);
        Assert.Null(decision.NewRecord);
    }

    [Fact]
    public void Refuses_a_record_for_another_origin()
    {
        var latest = FirstRecord() with { Origin = "other.example/log" };
        Assert.Throws<ArgumentException>(() => _witness.Decide(_log.Request(8), _log.Followed, latest));
    }

    [Fact]
    public void A_whole_request_body_round_trips_through_the_parser_to_a_cosignature()
    {
        var latest = FirstRecord();
        _log.Append(3, seed: 4);
        var body = _log.Request(8).ToBytes();
        Assert.True(AddCheckpointRequest.TryParse(body, out var parsed, out var problem), problem);
        var decision = _witness.Decide(parsed, _log.Followed, latest);
        Assert.Equal(WitnessVerdict.Cosigned, decision.Verdict);
        Assert.StartsWith("\u2014 witness.example/w1 ", decision.ResponseBody);
        Assert.Equal(body, parsed.ToBytes());
        Assert.Equal(Encoding.UTF8.GetString(body), Encoding.UTF8.GetString(parsed.ToBytes()));
    }
}

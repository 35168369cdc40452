using Federation.Auditor.Tests.Support;
using Federation.Auditor.Verify;
using Federation.Core.Ledger;

namespace Federation.Auditor.Tests;

/// <summary><c>fedaudit verify --witnessed</c>: each witness's own view of the log, held against the bundle.</summary>
public sealed class WitnessedViewsTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 16, 0, 0, TimeSpan.Zero);

    private readonly TestBundle _bundle = new();

    public WitnessedViewsTests() => _bundle.Write(8, 5, (_bundle.W1, At));

    public void Dispose() => _bundle.Dispose();

    private Fedaudit.Outcome Verify() => _bundle.Verify("--witnessed", _bundle.Witnessed);

    [Fact]
    public void Views_at_or_below_the_bundles_size_with_its_roots_pass()
    {
        _bundle.View("w1-peer", _bundle.Signed(8), _bundle.W1, At);
        _bundle.View("w2-peer", _bundle.Signed(5), _bundle.W2, At);
        var outcome = Verify();
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.Contains("2 witnessed views consistent with the bundle (witness.example/w1 at size 8; witness.example/w2 at size 5)", outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_view_of_a_larger_tree_shows_the_history_was_cut_back()
    {
        _bundle.View("w1-peer", _bundle.Signed(12, MerkleHash.FromBytes(new byte[32])), _bundle.W1, At);
        var outcome = Verify();
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains($"FAILED: {AuditFailure.WitnessedLarger}: witnessed view w1-peer.checkpoint: expected a size at most the bundle's latest checkpoint's 8; found witness.example/w1 cosigned size 12",
            outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_view_with_another_root_at_a_size_in_the_bundle_is_inconsistent()
    {
        _bundle.View("w1-peer", _bundle.Signed(6, MerkleHash.FromBytes(Enumerable.Repeat((byte)9, 32).ToArray())), _bundle.W1, At);
        var outcome = Verify();
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains($"FAILED: {AuditFailure.WitnessedInconsistent}: witnessed view w1-peer.checkpoint: root", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("the node showed the witness another history", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_view_the_node_could_have_made_is_refused()
    {
        // No witness's cosignature: the node relays the views, so one it could write itself proves nothing.
        _bundle.View("w1-peer", _bundle.Signed(12, MerkleHash.FromBytes(new byte[32])), null, At);
        Assert.Contains($"FAILED: {AuditFailure.WitnessedInvalid}: witnessed view w1-peer.checkpoint: expected a cosignature by a trusted witness key", Verify().Stderr, StringComparison.Ordinal);

        // Cosigned by an untrusted witness key.
        using var stranger = CosignatureV1Signer.FromSeed("witness.example/w1", Enumerable.Repeat((byte)6, 32).ToArray());
        _bundle.View("w1-peer", _bundle.Signed(8), stranger, At);
        Assert.Contains($"{AuditFailure.WitnessedInvalid}: witnessed view w1-peer.checkpoint", Verify().Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_view_of_another_log_or_signed_by_another_key_is_refused()
    {
        using var other = Ed25519NoteSigner.FromSeed(TestBundle.Origin, Enumerable.Repeat((byte)8, 32).ToArray());
        _bundle.View("w1-peer", _bundle.Signed(8, key: other), _bundle.W1, At);
        Assert.Contains($"{AuditFailure.WitnessedInvalid}: witnessed view w1-peer.checkpoint: expected the log's signature by its trusted key", Verify().Stderr, StringComparison.Ordinal);

        using var elsewhere = Ed25519NoteSigner.FromSeed("log.example/other", Enumerable.Repeat((byte)3, 32).ToArray());
        var foreign = SignedCheckpoint.Sign(Checkpoint.Create("log.example/other", 8, MerkleHash.FromBytes(new byte[32])), elsewhere);
        _bundle.View("w1-peer", foreign, _bundle.W1, At);
        Assert.Contains($"{AuditFailure.WitnessedInvalid}: witnessed view w1-peer.checkpoint: expected a checkpoint of log.example/audited; found one of log.example/other", Verify().Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_byte_of_a_views_cosignature_is_refused()
    {
        _bundle.View("w1-peer", _bundle.Signed(8), _bundle.W1, At);
        var path = Path.Combine(_bundle.Witnessed, "w1-peer.checkpoint");
        var note = SignedCheckpoint.Parse(File.ReadAllText(path));
        var line = note.Signatures.Single(s => s.Name == _bundle.W1.Name);
        var flipped = line.Signature.ToArray();
        flipped[^1] ^= 1;
        File.WriteAllText(path, SignedNote.Create(note.Note.Text, [note.Signatures[0], NoteSignature.Create(line.Name, line.KeyId, flipped)]).ToString());
        Assert.Contains($"{AuditFailure.WitnessedInvalid}: witnessed view w1-peer.checkpoint: expected every signature by a trusted key to verify", Verify().Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_views_directory_fails_and_a_missing_one_is_a_usage_error()
    {
        Assert.Contains($"FAILED: {AuditFailure.WitnessedInvalid}:", Verify().Stderr, StringComparison.Ordinal);
        Assert.Equal(2, _bundle.Verify("--witnessed", "/nonexistent-views").ExitCode);
    }
}

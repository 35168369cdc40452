using Federation.Auditor.Tests.Support;
using Federation.Auditor.Verify;
using Federation.Core.Ledger;

namespace Federation.Auditor.Tests;

/// <summary><c>fedaudit verify --fresh-since</c>: the latest checkpoint's quorum must have cosigned at or after the time
/// the auditor asked; cosignatures are timestamped by the witnesses and signed with the time.</summary>
public sealed class FreshnessTests : IDisposable
{
    private static readonly DateTimeOffset Asked = new(2026, 12, 7, 16, 0, 0, TimeSpan.Zero);
    private const string AskedText = "2026-12-07T16:00:00Z";

    private readonly TestBundle _bundle = new();

    public void Dispose() => _bundle.Dispose();

    [Fact]
    public void Cosignatures_made_at_or_after_the_time_asked_are_fresh()
    {
        _bundle.Write(6, 3, (_bundle.W1, Asked), (_bundle.W2, Asked.AddSeconds(40)));
        var outcome = _bundle.Verify("--quorum", "2", "--fresh-since", AskedText);
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.Contains("2 distinct trusted witnesses cosigned it at or after 2026-12-07 16:00:00Z", outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Old_cosignatures_are_stale_and_the_failure_says_how_many_were_fresh()
    {
        _bundle.Write(6, 3, (_bundle.W1, Asked.AddSeconds(5)), (_bundle.W2, Asked.AddSeconds(-1)));
        var outcome = _bundle.Verify("--quorum", "2", "--fresh-since", AskedText);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains($"FAILED: {AuditFailure.WitnessStale}: latest checkpoint (size 6)", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("found 1 fresh (witness.example/w1); older: witness.example/w2 at 2026-12-07 15:59:59Z", outcome.Stderr, StringComparison.Ordinal);
        // Without --fresh-since the same cosignatures make the quorum: freshness is what tells them apart.
        Assert.Equal(0, _bundle.Verify("--quorum", "2").ExitCode);
        Assert.Equal(0, _bundle.Verify("--quorum", "1", "--fresh-since", AskedText).ExitCode);
    }

    [Fact]
    public void A_latest_checkpoint_the_witnesses_refused_has_no_fresh_cosignature()
    {
        _bundle.Write(6, 3);
        var outcome = _bundle.Verify("--quorum", "1", "--fresh-since", AskedText);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains($"{AuditFailure.WitnessStale}: latest checkpoint (size 6): expected cosignatures by at least 1 distinct trusted witnesses timestamped at or after 2026-12-07 16:00:00Z; found 0 fresh; no other trusted cosignature",
            outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_fresh_lines_of_one_witness_key_count_once()
    {
        _bundle.Write(6, 3, (_bundle.W1, Asked.AddSeconds(1)), (_bundle.W1, Asked.AddSeconds(2)));
        var outcome = _bundle.Verify("--quorum", "2", "--fresh-since", AskedText);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("found 1 fresh (witness.example/w1)", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cosignature_whose_timestamp_was_moved_forward_does_not_verify()
    {
        // The timestamp is signed: an operator cannot make an old cosignature look fresh.
        _bundle.Write(6, 3, (_bundle.W1, Asked.AddSeconds(-600)));
        var path = Path.Combine(_bundle.Bundle, Federation.Core.Audit.AuditBundle.CheckpointsFile);
        var lines = File.ReadAllLines(path);
        var stored = System.Text.Json.JsonSerializer.Deserialize<Federation.Core.Audit.AuditCheckpoint>(lines[1], Federation.Core.Audit.AuditBundle.Json)!;
        var note = SignedCheckpoint.Parse(stored.Note);
        var signatures = note.Signatures.Select(s =>
        {
            if (s.Name != _bundle.W1.Name) return s;
            var moved = s.Signature.ToArray();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(moved, (ulong)Asked.AddSeconds(1).ToUnixTimeSeconds());
            return NoteSignature.Create(s.Name, s.KeyId, moved);
        });
        var forged = stored with { Note = SignedNote.Create(note.Note.Text, signatures).ToString() };
        File.WriteAllLines(path, [lines[0], System.Text.Json.JsonSerializer.Serialize(forged, Federation.Core.Audit.AuditBundle.Json)]);

        var outcome = _bundle.Verify("--quorum", "1", "--fresh-since", AskedText);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("an invalid signature by witness.example/w1", outcome.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--fresh-since", "2026-12-07 16:00:00")]
    [InlineData("--fresh-since", "2026-12-07T16:00:00")]
    [InlineData("--fresh-since", "yesterday")]
    [InlineData("--fresh-since", "2026-13-07T16:00:00Z")]
    public void An_invalid_time_is_a_usage_error(string option, string value)
    {
        _bundle.Write(6, 3, (_bundle.W1, Asked));
        var outcome = _bundle.Verify("--quorum", "1", option, value);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("is not an RFC 3339 time", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Fresh_since_without_a_quorum_is_a_usage_error_and_offsets_and_lower_case_are_rfc_3339()
    {
        _bundle.Write(6, 3, (_bundle.W1, Asked));
        Assert.Equal(2, _bundle.Verify("--fresh-since", AskedText).ExitCode);
        Assert.Equal(0, _bundle.Verify("--quorum", "1", "--fresh-since", "2026-12-07t17:00:00+01:00").ExitCode);
        Assert.Equal(0, _bundle.Verify("--quorum", "1", "--fresh-since", "2026-12-07T15:59:59.5z").ExitCode);
        Assert.Equal(1, _bundle.Verify("--quorum", "1", "--fresh-since", "2026-12-07T16:00:00.5Z").ExitCode);
    }
}

using System.Text;
using System.Text.Json;
using Federation.Auditor.Tests.Support;
using Federation.Core.Audit;
using Federation.Core.Ledger;

namespace Federation.Auditor.Tests;

/// <summary><c>fedaudit proof</c> on one-entry proofs built here from Core alone (a two-leaf log, its key trusted as a
/// .vkey): the form, the bounds and the witnesses' freshness, each refusal with its reason.</summary>
public sealed class ProofCommandTests : IDisposable
{
    private const string Origin = "log.example/proven";
    private static readonly DateTimeOffset Cosigned = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("fedaudit-proof-").FullName;
    private readonly string _trust = Directory.CreateTempSubdirectory("fedaudit-trust-").FullName;
    private readonly Ed25519NoteSigner _log = Ed25519NoteSigner.FromSeed(Origin, Enumerable.Repeat((byte)5, 32).ToArray());
    private readonly CosignatureV1Signer _witness = CosignatureV1Signer.FromSeed("witness.example/w1", Enumerable.Repeat((byte)6, 32).ToArray());

    public ProofCommandTests()
    {
        File.WriteAllText(Path.Combine(_trust, "log.vkey"), _log.Verifier + "\n");
        File.WriteAllText(Path.Combine(_trust, "w1.vkey"), _witness.Verifier + "\n");
    }

    public void Dispose()
    {
        _log.Dispose();
        _witness.Dispose();
        Directory.Delete(_dir, recursive: true);
        Directory.Delete(_trust, recursive: true);
    }

    /// <summary>A proof of entry 1 of a two-entry log, cosigned by w1 at <see cref="Cosigned"/>.</summary>
    private string WriteProof(Func<string, string>? tamper = null)
    {
        var leaves = new List<(AuditEntry Entry, MerkleHash Leaf)>();
        for (var i = 0; i < 2; i++)
        {
            var data = JsonDocument.Parse($"{{\"case\":\"c-{i}\"}}").RootElement;
            var digest = LedgerEntry.DataDigest(data.GetRawText());
            var entry = LedgerEntry.Create((ulong)i, Guid.NewGuid(), "case:1", "case_noted", Cosigned.AddDays(-1).AddSeconds(i), digest);
            leaves.Add((new AuditEntry(entry.Index, entry.EventId, entry.StreamKey, entry.EventType, entry.TimestampMicroseconds,
                Convert.ToBase64String(digest), null, entry.LeafHash().ToBase64(), data), entry.LeafHash()));
        }
        var root = Rfc6962.NodeHash(leaves[0].Leaf, leaves[1].Leaf);
        var checkpoint = SignedCheckpoint.Sign(Checkpoint.Create(Origin, 2, root), _log);
        checkpoint = checkpoint.WithCosignatures([_witness.Cosign(checkpoint.Checkpoint.Text, (ulong)Cosigned.ToUnixTimeSeconds())]);
        var extra = ProofEntry.Create("kr-knpa", leaves[1].Entry, [0x30, 0x00], []).Encode();
        var text = TlogProof.Create(1, [leaves[0].Leaf], checkpoint, extra, hasExtra: true).ToString();
        var path = Path.Combine(_dir, "entry.tlog-proof");
        File.WriteAllText(path, tamper is null ? text : tamper(text), new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public void A_proof_verifies_and_prints_what_the_entry_is()
    {
        var run = Fedaudit.Run("proof", WriteProof(), "--trust", _trust, "--quorum", "1", "--fresh-since", "2026-02-01T00:00:00Z");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("entry 1 of log.example/proven: kind case_noted, stream case:1, time 2026-01-31T00:00:01.000000Z", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("signer: none", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("log key: trusted .vkey", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Cosignatures_older_than_fresh_since_do_not_count()
    {
        var run = Fedaudit.Run("proof", WriteProof(), "--trust", _trust, "--quorum", "1", "--fresh-since", "2026-02-01T00:00:01+00:00");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED: witness-stale: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("the newest is of 2026-02-01 00:00:00Z", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_log_key_nothing_verifies()
    {
        File.Delete(Path.Combine(_trust, "log.vkey"));
        var run = Fedaudit.Run("proof", WriteProof(), "--trust", _trust);
        Assert.Contains("FAILED: proof-log-key: log key", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("no kr-knpa.crt in the trust directory", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_tlog_proof_is_refused_with_the_defect()
    {
        var run = Fedaudit.Run("proof", WriteProof(t => t.Replace("tlog-proof@v1", "tlog-proof@v9", StringComparison.Ordinal)), "--trust", _trust);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED: proof-format: proof: expected a c2sp.org/tlog-proof@v1 file; found WrongHeader", run.Stderr, StringComparison.Ordinal);

        var noExtra = Fedaudit.Run("proof", WriteProof(t => string.Join('\n', t.Split('\n').Where(l => !l.StartsWith("extra ", StringComparison.Ordinal)))), "--trust", _trust);
        Assert.Contains("FAILED: proof-format: ", noExtra.Stderr, StringComparison.Ordinal);
        Assert.Contains("no extra line", noExtra.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_larger_than_a_proof_can_be_is_not_read()
    {
        var path = Path.Combine(_dir, "huge.tlog-proof");
        using (var f = File.Create(path)) f.SetLength(TlogProof.MaxBytes + 1L);
        var run = Fedaudit.Run("proof", path, "--trust", _trust);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED: file-too-large: ", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-02-01")]
    [InlineData("2026-02-01T00:00:00")]
    [InlineData("yesterday")]
    public void Fresh_since_must_be_an_rfc_3339_time_with_its_offset(string value)
    {
        var run = Fedaudit.Run("proof", WriteProof(), "--trust", _trust, "--fresh-since", value);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("--fresh-since: ", run.OneLineError(), StringComparison.Ordinal);
    }
}

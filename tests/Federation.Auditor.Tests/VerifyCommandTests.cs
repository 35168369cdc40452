using System.Text.Json;
using Federation.Auditor.Verify;
using Federation.Core.Audit;
using Federation.Core.Ledger;

namespace Federation.Auditor.Tests;

/// <summary><c>fedaudit verify</c> on bundles built here from Core alone, the log key trusted as a .vkey.</summary>
public sealed class VerifyCommandTests : IDisposable
{
    private const string Origin = "log.example/audited";
    private readonly string _bundle = Directory.CreateTempSubdirectory("fedaudit-bundle-").FullName;
    private readonly string _trust = Directory.CreateTempSubdirectory("fedaudit-trust-").FullName;
    private readonly Ed25519NoteSigner _log = Ed25519NoteSigner.FromSeed(Origin, Enumerable.Repeat((byte)3, 32).ToArray());
    private readonly CosignatureV1Signer _witness = CosignatureV1Signer.FromSeed("witness.example/w1", Enumerable.Repeat((byte)4, 32).ToArray());

    public void Dispose()
    {
        _log.Dispose();
        _witness.Dispose();
        Directory.Delete(_bundle, recursive: true);
        Directory.Delete(_trust, recursive: true);
    }

    /// <summary>Writes a bundle of <paramref name="count"/> entries with checkpoints at the given sizes (the last is cosigned).</summary>
    private void WriteBundle(int count, ulong[] checkpointSizes, Func<List<AuditEntry>, List<AuditEntry>>? tamper = null, bool extraCosignature = false)
    {
        var entries = new List<AuditEntry>();
        var store = new InMemoryMerkleNodeStore();
        var range = CompactRange.Empty;
        for (var i = 0; i < count; i++)
        {
            var data = JsonDocument.Parse($"{{\"case\":\"c-{i}\",\"amount\":{i}.50}}").RootElement;
            var digest = LedgerEntry.DataDigest(data.GetRawText());
            var entry = LedgerEntry.Create((ulong)i, Guid.NewGuid(), $"case:{i % 3}", "case_noted", DateTimeOffset.UnixEpoch.AddDays(20_000).AddSeconds(i), digest);
            var completed = new List<StoredNode>();
            range = range.Append(entry.LeafHash(), completed);
            store.AddRange(completed);
            entries.Add(new AuditEntry(entry.Index, entry.EventId, entry.StreamKey, entry.EventType, entry.TimestampMicroseconds,
                Convert.ToBase64String(digest), null, entry.LeafHash().ToBase64(), data));
        }
        var prover = new MerkleProver(store);
        var checkpoints = checkpointSizes.Select((size, i) =>
        {
            var signed = SignedCheckpoint.Sign(Checkpoint.Create(Origin, size, prover.RootAsync(size).AsTask().Result), _log);
            if (i == checkpointSizes.Length - 1)
                signed = signed.WithCosignatures(extraCosignature
                    ? [_witness.Cosign(signed.Checkpoint.Text, 1_764_000_000), _witness.Cosign(signed.Checkpoint.Text, 1_764_000_060)]
                    : [_witness.Cosign(signed.Checkpoint.Text, 1_764_000_000)]);
            return new AuditCheckpoint(i + 1, DateTimeOffset.UnixEpoch.AddDays(20_001), size, signed.ToString());
        });
        File.WriteAllLines(Path.Combine(_bundle, AuditBundle.EntriesFile), (tamper?.Invoke(entries) ?? entries).Select(e => JsonSerializer.Serialize(e, AuditBundle.Json)));
        File.WriteAllLines(Path.Combine(_bundle, AuditBundle.CheckpointsFile), checkpoints.Select(c => JsonSerializer.Serialize(c, AuditBundle.Json)));
        File.WriteAllText(Path.Combine(_bundle, AuditBundle.ManifestFile), JsonSerializer.Serialize(
            new AuditManifest(AuditBundle.Format, "xx-test", Origin, checkpointSizes[^1], "https://node.example/", DateTimeOffset.UnixEpoch), AuditBundle.Json));
        File.WriteAllText(Path.Combine(_trust, "log.vkey"), _log.Verifier + "\n");
        File.WriteAllText(Path.Combine(_trust, "w1.vkey"), _witness.Verifier + "\n");
    }

    private (int Exit, string Out, string Err) Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        return (Auditor.Run(args, o, e, TimeProvider.System), o.ToString(), e.ToString());
    }

    private (int Exit, string Out, string Err) Verify(int quorum = 1) => Run("verify", _bundle, "--trust", _trust, "--quorum", quorum.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void A_consistent_bundle_verifies()
    {
        WriteBundle(37, [0, 5, 16, 37]);
        var (exit, output, error) = Verify();
        Assert.True(exit == 0, error);
        Assert.Contains("OK: xx-test: 37 entries, 4 checkpoints, latest size 37 with 1 trusted cosignatures (quorum 1)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_out_of_order_are_named()
    {
        WriteBundle(10, [10], entries => [.. entries.Take(3), entries[4], entries[3], .. entries.Skip(5)]);
        var (exit, _, error) = Verify();
        Assert.Equal(1, exit);
        Assert.Contains("entry 3: expected index 3; found index 4", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_removed_from_the_end_are_named()
    {
        WriteBundle(10, [10], entries => [.. entries.Take(8)]);
        var (exit, _, error) = Verify();
        Assert.Equal(1, exit);
        Assert.Contains("expected 10 entries (the size of the latest checkpoint); found 8", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_byte_of_the_data_is_named()
    {
        WriteBundle(6, [6], entries =>
        {
            entries[2] = entries[2] with { Data = JsonDocument.Parse("{\"case\":\"c-2\",\"amount\":2.51}").RootElement };
            return entries;
        });
        var (exit, _, error) = Verify();
        Assert.Equal(1, exit);
        Assert.Contains("entry 2 (event ", error, StringComparison.Ordinal);
        Assert.Contains("data digest", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_enough_cosignatures_the_quorum_fails()
    {
        WriteBundle(4, [4]);
        var (exit, _, error) = Verify(quorum: 2);
        Assert.Equal(1, exit);
        Assert.Contains("expected at least 2 cosignatures by trusted witnesses; found 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_crl_in_the_trust_directory_larger_than_any_crl_is_refused_before_it_is_read()
    {
        WriteBundle(4, [4]);
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=xx-test CA", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var ca = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
        File.WriteAllText(Path.Combine(_trust, "xx-test.crt"), ca.ExportCertificatePem());
        using (var crl = File.Create(Path.Combine(_trust, "xx-test.crl")))
            crl.SetLength(BoundedFile.MaxCrlBytes + 1); // sparse: costs no disk, and must cost no memory

        var (exit, _, error) = Verify();

        Assert.Equal(1, exit);
        Assert.Contains($"{BoundedFile.TooLarge}: trust file xx-test.crl: expected at most {BoundedFile.MaxCrlBytes} bytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_lines_of_one_witness_key_count_once()
    {
        WriteBundle(4, [4], extraCosignature: true);
        var (exit, _, error) = Verify(quorum: 2);
        Assert.Equal(1, exit);
        Assert.Contains("FAILED: witness-duplicated: latest checkpoint (size 4): expected at least 2 cosignatures by distinct trusted witnesses; found 2 cosignature lines by only 1", error, StringComparison.Ordinal);
        Assert.Contains("with 1 trusted cosignatures (quorum 1)", Verify(quorum: 1).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_trusted_log_key_nothing_verifies()
    {
        WriteBundle(4, [4]);
        File.Delete(Path.Combine(_trust, "log.vkey"));
        var (exit, _, error) = Verify(quorum: 0);
        Assert.Equal(1, exit);
        Assert.Contains("FAILED: log key: expected a key for log.example/audited", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("verify")]
    [InlineData("verify /nonexistent-bundle --trust /tmp")]
    [InlineData("verify /tmp --quorum two --trust /tmp")]
    [InlineData("unknown")]
    public void Usage_errors_exit_with_2(string commandLine) =>
        Assert.Equal(2, Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Exit);
}

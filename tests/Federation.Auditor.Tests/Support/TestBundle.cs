using System.Text.Json;
using Federation.Core.Audit;
using Federation.Core.Ledger;

namespace Federation.Auditor.Tests.Support;

/// <summary>
/// A bundle built from Core alone, the log key and two witness keys trusted as .vkey files, for the checks that look at
/// the witnesses: whose cosignatures the latest checkpoint carries and when, and the witnesses' own views of the log.
/// </summary>
internal sealed class TestBundle : IDisposable
{
    public const string Origin = "log.example/audited";

    public string Bundle { get; } = Directory.CreateTempSubdirectory("fedaudit-bundle-").FullName;
    public string Trust { get; } = Directory.CreateTempSubdirectory("fedaudit-trust-").FullName;
    public string Witnessed { get; } = Directory.CreateTempSubdirectory("fedaudit-witnessed-").FullName;

    public Ed25519NoteSigner Log { get; } = Ed25519NoteSigner.FromSeed(Origin, Enumerable.Repeat((byte)3, 32).ToArray());
    public CosignatureV1Signer W1 { get; } = CosignatureV1Signer.FromSeed("witness.example/w1", Enumerable.Repeat((byte)4, 32).ToArray());
    public CosignatureV1Signer W2 { get; } = CosignatureV1Signer.FromSeed("witness.example/w2", Enumerable.Repeat((byte)5, 32).ToArray());

    private readonly InMemoryMerkleNodeStore _store = new();

    public TestBundle()
    {
        File.WriteAllText(Path.Combine(Trust, "log.vkey"), Log.Verifier + "\n");
        File.WriteAllText(Path.Combine(Trust, "w1.vkey"), W1.Verifier + "\n");
        File.WriteAllText(Path.Combine(Trust, "w2.vkey"), W2.Verifier + "\n");
    }

    /// <summary>Writes <paramref name="count"/> entries, a checkpoint at <paramref name="earlier"/> and one at
    /// <paramref name="count"/> cosigned by each of <paramref name="cosigners"/> at its timestamp.</summary>
    public TestBundle Write(int count, ulong earlier, params (CosignatureV1Signer Witness, DateTimeOffset At)[] cosigners)
    {
        var entries = new List<AuditEntry>();
        var range = CompactRange.Empty;
        for (var i = 0; i < count; i++)
        {
            var data = JsonDocument.Parse($"{{\"case\":\"c-{i}\"}}").RootElement;
            var digest = LedgerEntry.DataDigest(data.GetRawText());
            var entry = LedgerEntry.Create((ulong)i, Guid.NewGuid(), "case:fresh", "case_noted", DateTimeOffset.UnixEpoch.AddDays(20_000).AddSeconds(i), digest);
            var completed = new List<StoredNode>();
            range = range.Append(entry.LeafHash(), completed);
            _store.AddRange(completed);
            entries.Add(new AuditEntry(entry.Index, entry.EventId, entry.StreamKey, entry.EventType, entry.TimestampMicroseconds,
                Convert.ToBase64String(digest), null, entry.LeafHash().ToBase64(), data));
        }
        var first = Signed((ulong)earlier);
        var latest = Signed((ulong)count);
        latest = latest.WithCosignatures(cosigners.Select(c => c.Witness.Cosign(latest.Checkpoint.Text, (ulong)c.At.ToUnixTimeSeconds())));
        File.WriteAllLines(Path.Combine(Bundle, AuditBundle.EntriesFile), entries.Select(e => JsonSerializer.Serialize(e, AuditBundle.Json)));
        File.WriteAllLines(Path.Combine(Bundle, AuditBundle.CheckpointsFile), [
            JsonSerializer.Serialize(new AuditCheckpoint(1, DateTimeOffset.UnixEpoch.AddDays(20_001), earlier, first.ToString()), AuditBundle.Json),
            JsonSerializer.Serialize(new AuditCheckpoint(2, DateTimeOffset.UnixEpoch.AddDays(20_002), (ulong)count, latest.ToString()), AuditBundle.Json)]);
        File.WriteAllText(Path.Combine(Bundle, AuditBundle.ManifestFile), JsonSerializer.Serialize(
            new AuditManifest(AuditBundle.Format, "xx-test", Origin, (ulong)count, "https://node.example/", DateTimeOffset.UnixEpoch), AuditBundle.Json));
        return this;
    }

    /// <summary>The log's checkpoint of the bundle's first <paramref name="size"/> entries (or of <paramref name="root"/>).</summary>
    public SignedCheckpoint Signed(ulong size, MerkleHash? root = null, Ed25519NoteSigner? key = null) =>
        SignedCheckpoint.Sign(Checkpoint.Create(Origin, size, root ?? new MerkleProver(_store).RootAsync(size).AsTask().Result), key ?? Log);

    /// <summary>Writes <paramref name="checkpoint"/> cosigned by <paramref name="witness"/> as that witness's view.</summary>
    public void View(string peer, SignedCheckpoint checkpoint, CosignatureV1Signer? witness, DateTimeOffset at)
    {
        var note = witness is null ? checkpoint : checkpoint.WithCosignatures([witness.Cosign(checkpoint.Checkpoint.Text, (ulong)at.ToUnixTimeSeconds())]);
        File.WriteAllText(Path.Combine(Witnessed, $"{peer}.checkpoint"), note.ToString());
    }

    public Fedaudit.Outcome Verify(params string[] more) => Fedaudit.Run(["verify", Bundle, "--trust", Trust, .. more]);

    public void Dispose()
    {
        Log.Dispose();
        W1.Dispose();
        W2.Dispose();
        Directory.Delete(Bundle, recursive: true);
        Directory.Delete(Trust, recursive: true);
        Directory.Delete(Witnessed, recursive: true);
    }
}

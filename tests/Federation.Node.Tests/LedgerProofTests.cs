using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Federation.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary>
/// One-entry proofs (C2SP tlog-proof v1) over a real node of a three-node federation: produced by the agency API and by
/// <c>fedctl audit proof</c>, verified offline by <c>fedaudit proof</c> with two distinct witnesses, refused with its own
/// reason when the entry, a proof hash, the checkpoint or a cosignature is altered, and accepted by an independent
/// verifier written from the specifications (tests/interop/tlog_proof_verify.py).
/// </summary>
public sealed class LedgerProofTests(ThreeNodes nodes) : IClassFixture<ThreeNodes>
{
    private TestNode Kr => nodes.Kr;

    /// <summary>A signed release (an entry with an envelope) under a checkpoint cosigned by fr and nl; its index.</summary>
    private async Task<ulong> WitnessedReleaseAsync(string list)
    {
        await ListSteps.CreateAsync(Kr, list, "fr-ofmin");
        await ListSteps.PublishAsync(Kr, list, ListSteps.Csv(ListSteps.Md5Row(1), ListSteps.Md5Row(2)));
        var index = (ulong)await ListSteps.ScalarAsync(Kr,
            "SELECT max(leaf_index) FROM fed.ledger_leaf WHERE event_type = 'release_published' AND stream_key LIKE $1", $"%{list}%");
        var signed = await LedgerEvents.SignAsync(Kr);
        var outcomes = await Kr.Services.GetRequiredService<Witnessing>().CollectAsync(signed, CancellationToken.None);
        Assert.All(outcomes, o => Assert.True(o.Cosigned, o.Detail));
        return index;
    }

    private async Task<string> DownloadAsync(ProofRun run, ulong index, string name)
    {
        using var auditor = Clients.DevPerson("kr-knpa", "auditor", Kr);
        auditor.DefaultRequestHeaders.Add("X-Justification", "court order 2026/17: was this release logged?");
        using var response = await auditor.GetAsync($"api/v1/log/proof?index={index}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"kr-knpa-entry-{index}.tlog-proof", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var path = run.File(name);
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        return path;
    }

    [Fact]
    public async Task A_proof_from_the_api_verifies_offline_and_says_what_the_entry_is()
    {
        var index = await WitnessedReleaseAsync("proven");
        using var run = new ProofRun("kr-knpa", "fr-ofmin", "nl-police");
        var file = await DownloadAsync(run, index, "api.tlog-proof");
        Assert.StartsWith("c2sp.org/tlog-proof@v1\nextra ", await File.ReadAllTextAsync(file), StringComparison.Ordinal);

        var verify = run.Verify(file, quorum: 2, freshSince: DateTimeOffset.UtcNow.AddMinutes(-10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        Assert.True(verify.Exit == 0, verify.Err);
        Assert.Contains($"entry {index} of federation.node/kr-knpa/log: kind release_published, stream ", verify.Out, StringComparison.Ordinal);
        Assert.Contains("signer: kr-knpa (", verify.Out, StringComparison.Ordinal);
        Assert.Contains("cosigned by 2 trusted witnesses", verify.Out, StringComparison.Ordinal);
        Assert.Contains("under the trusted CA", verify.Out, StringComparison.Ordinal);

        // The download was a consultation, recorded with its justification.
        Assert.True(await ListSteps.ScalarAsync(Kr, """
            SELECT count(*) FROM fed.mt_events WHERE type = 'access_recorded'
            AND data->>'Justification' = 'court order 2026/17: was this release logged?' AND data->>'Resource' LIKE '/api/v1/log/proof%'
            """) >= 1);
    }

    [Fact]
    public async Task Fedctl_writes_a_proof_that_fedaudit_accepts()
    {
        var index = await WitnessedReleaseAsync("fetched");
        using var run = new ProofRun("kr-knpa", "fr-ofmin", "nl-police");
        var file = run.File("fedctl.tlog-proof");
        var fetch = run.Fetch(Kr, index, file);
        Assert.True(fetch.Exit == 0, fetch.Err);
        Assert.Contains($"entry {index} of federation.node/kr-knpa/log", fetch.Out, StringComparison.Ordinal);
        var verify = run.Verify(file, quorum: 2);
        Assert.True(verify.Exit == 0, verify.Err);
    }

    [Fact]
    public async Task An_altered_entry_is_refused()
    {
        var index = await WitnessedReleaseAsync("altered-entry");
        using var run = new ProofRun("kr-knpa", "fr-ofmin", "nl-police");
        var proof = ProofRun.Read(await DownloadAsync(run, index, "good.tlog-proof"));

        // Another stream named: the leaf recomputed from the fields is not the node's.
        var moved = run.Write("moved.tlog-proof", ProofRun.WithEntry(proof, p => p with { Entry = p.Entry with { StreamKey = "list:kr-knpa/other" } }).ToString());
        AssertRefused(run.Verify(moved, quorum: 2), "proof-entry-altered", "leaf hash");

        // The data changed: it no longer hashes to the digest the leaf commits to.
        var data = ProofRun.WithEntry(proof, p =>
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(p.Entry.Data!.Value.GetRawText())!.AsObject();
            json["Version"] = 99;
            return p with { Entry = p.Entry with { Data = JsonDocument.Parse(json.ToJsonString()).RootElement.Clone() } };
        });
        AssertRefused(run.Verify(run.Write("data.tlog-proof", data.ToString()), quorum: 2), "proof-entry-altered", "data digest");

        // The fields and the stored leaf hash changed together: the new leaf is not in the signed tree.
        var forged = ProofRun.WithEntry(proof, p =>
        {
            var e = p.Entry with { StreamKey = "list:kr-knpa/other" };
            var leaf = LedgerEntry.Create(e.Index, e.EventId, e.StreamKey, e.EventType, DateTimeOffset.UnixEpoch.AddTicks(e.TimestampMicros * 10),
                Convert.FromBase64String(e.DataSha256), Convert.FromBase64String(e.EnvelopeSha256!), hasEnvelope: true).LeafHash();
            return p with { Entry = e with { LeafHash = leaf.ToBase64() } };
        });
        AssertRefused(run.Verify(run.Write("forged.tlog-proof", forged.ToString()), quorum: 2), "proof-inclusion", "inclusion");
    }

    [Fact]
    public async Task An_altered_proof_hash_checkpoint_or_cosignature_is_refused()
    {
        var index = await WitnessedReleaseAsync("altered-proof");
        using var run = new ProofRun("kr-knpa", "fr-ofmin", "nl-police");
        var path = await DownloadAsync(run, index, "good.tlog-proof");
        var proof = ProofRun.Read(path);
        Assert.NotEmpty(proof.Proof);

        var hashes = proof.Proof.ToArray();
        var flipped = hashes[0].ToArray();
        flipped[0] ^= 0x01;
        hashes[0] = MerkleHash.FromBytes(flipped);
        var badHash = TlogProof.Create(proof.Index, hashes, proof.Checkpoint, proof.Extra, hasExtra: true);
        AssertRefused(run.Verify(run.Write("hash.tlog-proof", badHash.ToString()), quorum: 2), "proof-inclusion", "RootMismatch");

        // The checkpoint's size line changed: the log's signature no longer holds.
        var text = proof.ToString();
        var size = proof.Checkpoint.Checkpoint.Size;
        var cut = text.Replace($"\nfederation.node/kr-knpa/log\n{size}\n", $"\nfederation.node/kr-knpa/log\n{size + 1}\n", StringComparison.Ordinal);
        Assert.NotEqual(text, cut);
        AssertRefused(run.Verify(run.Write("checkpoint.tlog-proof", cut), quorum: 2), "proof-log-signature", "log signature");

        // One byte of fr's cosignature changed (inside the signature, so the base64 stays canonical).
        var line = proof.Checkpoint.Signatures.First(s => s.Name.Contains("fr-ofmin", StringComparison.Ordinal)).ToLine().TrimEnd('\n');
        var at = line.Length - 10;
        var altered = line[..at] + (line[at] == 'A' ? 'B' : 'A') + line[(at + 1)..];
        AssertRefused(run.Verify(run.Write("cosignature.tlog-proof", text.Replace(line, altered, StringComparison.Ordinal)), quorum: 2),
            "witness-signature", "cosignature");
    }

    [Fact]
    public async Task The_quorum_counts_distinct_fresh_witnesses()
    {
        var index = await WitnessedReleaseAsync("quorum");
        using var run = new ProofRun("kr-knpa", "fr-ofmin", "nl-police");
        var path = await DownloadAsync(run, index, "good.tlog-proof");
        AssertRefused(run.Verify(path, quorum: 3), "witness-quorum", "at least 3 cosignatures");
        AssertRefused(run.Verify(path, quorum: 1, freshSince: DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ssK")), "witness-stale", "timestamped at or after");

        // fr asked again cosigns again, with a new timestamp: two lines of one witness key still count once.
        var proof = ProofRun.Read(path);
        using var frKey = CosignatureV1Signer.Parse(File.ReadAllText(Repo.CertsDev("fr-ofmin", "witness.key")).Trim());
        var again = frKey.Cosign(proof.Checkpoint.Note.Text, (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        var twice = TlogProof.Create(proof.Index, proof.Proof,
            SignedCheckpoint.Parse(SignedNote.Create(proof.Checkpoint.Note.Text,
                proof.Checkpoint.Signatures.Where(s => !s.Name.Contains("nl-police", StringComparison.Ordinal)).Append(again)).ToString()),
            proof.Extra, hasExtra: true);
        var file = run.Write("twice.tlog-proof", twice.ToString());
        Assert.Equal(0, run.Verify(file, quorum: 1).Exit);
        AssertRefused(run.Verify(file, quorum: 2), "witness-duplicated", "2 cosignature lines by only 1 distinct witness keys");
    }

    [Fact]
    public async Task Beyond_the_log_or_before_a_checkpoint_there_is_no_proof()
    {
        await WitnessedReleaseAsync("pending");
        using var auditor = Clients.DevPerson("kr-knpa", "auditor", Kr);
        auditor.DefaultRequestHeaders.Add("X-Justification", "checking the refusals");
        using (var beyond = await auditor.GetAsync("api/v1/log/proof?index=100000000"))
            Assert.Equal("index-beyond-log", await ProblemReason.Of(beyond, HttpStatusCode.NotFound));
        await LedgerEvents.AppendAsync(Kr, 1, "case:not-yet-checkpointed");
        var last = (ulong)await ListSteps.ScalarAsync(Kr, "SELECT max(leaf_index) FROM fed.ledger_leaf");
        using (var pending = await auditor.GetAsync($"api/v1/log/proof?index={last}"))
            Assert.Equal("entry-not-checkpointed", await ProblemReason.Of(pending, HttpStatusCode.Conflict));
        using (var invalid = await auditor.GetAsync("api/v1/log/proof?index=-1"))
            Assert.Equal("invalid-parameter", await ProblemReason.Of(invalid, HttpStatusCode.BadRequest));

        // fedctl says why and writes no file.
        using var run = new ProofRun("kr-knpa");
        var file = run.File("none.tlog-proof");
        var fetch = run.Fetch(Kr, 100_000_000, file);
        Assert.Equal(1, fetch.Exit);
        Assert.Contains("HTTP 404", fetch.Err, StringComparison.Ordinal);
        Assert.Contains("index-beyond-log", fetch.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(file));

        using var officer = Clients.DevPerson("kr-knpa", "officer", Kr);
        officer.DefaultRequestHeaders.Add("X-Justification", "curiosity");
        using var forbidden = await officer.GetAsync("api/v1/log/proof?index=0");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task An_independent_verifier_written_from_the_specifications_accepts_the_checkpoint_and_inclusion_proof()
    {
        var index = await WitnessedReleaseAsync("interop");
        using var run = new ProofRun("kr-knpa", "fr-ofmin", "nl-police");
        var path = await DownloadAsync(run, index, "interop.tlog-proof");
        var vkey = Repo.CertsDev("kr-knpa", "log.vkey");
        var proof = ProofRun.Read(path);
        var entry = Federation.Core.Audit.ProofEntry.Decode(proof.Extra).Entry;

        // As a stock verifier is used: given the leaf hash by the application.
        var ok = Python(path, "--vkey", vkey, "--leaf-hash", entry.LeafHash);
        Assert.True(ok.Exit == 0, ok.Out + ok.Err);
        Assert.StartsWith($"OK: leaf {index} of federation.node/kr-knpa/log", ok.Out, StringComparison.Ordinal);
        // And rebuilding the leaf from the entry in extra by the documented leaf encoding.
        var rebuilt = Python(path, "--vkey", vkey, "--leaf-from-extra");
        Assert.True(rebuilt.Exit == 0, rebuilt.Out + rebuilt.Err);

        var hashes = proof.Proof.ToArray();
        var flipped = hashes[^1].ToArray();
        flipped[31] ^= 0x80;
        hashes[^1] = MerkleHash.FromBytes(flipped);
        var badHash = run.Write("bad-hash.tlog-proof", TlogProof.Create(proof.Index, hashes, proof.Checkpoint, proof.Extra, hasExtra: true).ToString());
        var rejected = Python(badHash, "--vkey", vkey, "--leaf-hash", entry.LeafHash);
        Assert.Equal(1, rejected.Exit);
        Assert.Contains("REJECTED: the inclusion proof does not lead to the checkpoint's root", rejected.Out, StringComparison.Ordinal);

        var size = proof.Checkpoint.Checkpoint.Size;
        var text = proof.ToString();
        var cut = run.Write("bad-checkpoint.tlog-proof", text.Replace($"/log\n{size}\n", $"/log\n{size - 1}\n", StringComparison.Ordinal));
        var unsigned = Python(cut, "--vkey", vkey, "--leaf-hash", entry.LeafHash);
        Assert.Equal(1, unsigned.Exit);
        Assert.Contains("does not verify", unsigned.Out, StringComparison.Ordinal);

        var otherLeaf = Python(path, "--vkey", vkey, "--leaf-hash", Rfc6962.EmptyRoot.ToBase64());
        Assert.Equal(1, otherLeaf.Exit);
    }

    private static (int Exit, string Out, string Err) Python(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Repo.Root, "tests", "interop", "tlog_proof_verify.py"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "the Python verifier did not finish within 60 s");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static void AssertRefused((int Exit, string Out, string Err) result, string reason, string detail)
    {
        Assert.True(result.Exit == 1, $"expected a refusal ({reason}), got exit {result.Exit}: {result.Out}{result.Err}");
        Assert.Contains($"FAILED: {reason}: ", result.Err, StringComparison.Ordinal);
        Assert.Contains(detail, result.Err, StringComparison.Ordinal);
    }
}

using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Federation.Node.Tests.Support;
using Federation.Core.Envelopes;
using Federation.Core.Pki;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Federation.Node.Tests;

/// <summary>
/// Tamper drills on a real database: someone with superuser rights rewrites the history after a checkpoint was
/// signed (triggers off), the auditor exports through the agency API as usual, and <c>fedaudit verify</c> must
/// name the problem. Each drill gets its own node and database.
/// </summary>
public sealed class LedgerTamperDrillTests : IAsyncLifetime
{
    private readonly TestNode _kr = new("kr-knpa") { Customize = LedgerEvents.FastCheckpoints };
    private readonly AuditRun _audit = new("kr-knpa");

    public async Task InitializeAsync()
    {
        await _kr.StartAsync();
        for (var i = 0; i < 4; i++) await LedgerEvents.AppendAsync(_kr, 2, $"case:drill-{i}");
        await LedgerEvents.SignAsync(_kr);
        // Then a release (entries 8 and 9: the list, the release with its signed envelope) and a second checkpoint.
        await ListSteps.CreateAsync(_kr, "drill", "fr-ofmin");
        _release = await ListSteps.PublishAsync(_kr, "drill", ListSteps.Csv(ListSteps.Md5Row(1), ListSteps.Md5Row(2)));
        await LedgerEvents.SignAsync(_kr);
    }

    private string _release = "";

    public async Task DisposeAsync()
    {
        _audit.Dispose();
        await _kr.DisposeAsync();
    }

    [Fact]
    public async Task The_untampered_log_verifies()
    {
        Assert.Equal(0, _audit.Export(_kr).Exit);
        var verify = _audit.Verify();
        Assert.True(verify.Exit == 0, verify.Err);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task An_event_rows_data_edited_is_caught_at_that_entry()
    {
        await TamperAsync("UPDATE fed.mt_events SET data = jsonb_set(data, '{Note}', '\"nothing happened\"') WHERE id = (SELECT event_id FROM fed.ledger_leaf WHERE leaf_index = 3)");
        AssertCaught("entry 3 (event ", "data digest", "the event's data was altered after it was logged");
    }

    [Fact]
    public async Task An_event_and_its_leaf_deleted_are_caught_as_a_gap()
    {
        await TamperAsync("""
            DELETE FROM fed.mt_events WHERE id = (SELECT event_id FROM fed.ledger_leaf WHERE leaf_index = 4);
            DELETE FROM fed.ledger_leaf WHERE leaf_index = 4;
            """);
        AssertCaught("entry 4: expected index 4; found index 5", "an entry is missing");
    }

    [Fact]
    public async Task An_event_row_deleted_under_its_leaf_is_caught()
    {
        await TamperAsync("DELETE FROM fed.mt_events WHERE id = (SELECT event_id FROM fed.ledger_leaf WHERE leaf_index = 2)");
        AssertCaught("entry 2 (event ", "the event row is missing");
    }

    [Fact]
    public async Task Two_entries_swapped_are_caught_by_their_stored_leaf_hashes()
    {
        await TamperAsync(SwapLeaves(1, 6));
        AssertCaught("entry 1 (event ", "leaf hash", "altered or moved after it was logged");
    }

    [Fact]
    public async Task Two_entries_swapped_with_the_whole_tree_rebuilt_to_match_are_caught_by_the_signed_checkpoint()
    {
        await TamperAsync(SwapLeaves(1, 6));
        // A thorough forger recomputes every stored subtree from the reordered leaves.
        var rows = await LedgerRows.ReadAsync(_kr);
        var (store, range) = rows.Recompute();
        var updates = new List<string>();
        for (var level = 0; (range.Size >> level) > 0; level++)
            for (ulong index = 0; index < range.Size >> level; index++)
                updates.Add($"UPDATE fed.ledger_node SET hash = '\\x{store.Read(new NodeAddress(level, index)).ToHex()}' WHERE level = {level} AND node_index = {index};");
        await TamperAsync(string.Join('\n', updates));
        AssertCaught("checkpoint #1 (size 8", ": root", "the log was rewritten after this checkpoint was signed");
    }

    [Fact]
    public async Task The_export_carries_the_releases_envelope_and_its_content()
    {
        Assert.Equal(0, _audit.Export(_kr).Exit);
        var signature = await ListSteps.ScalarTextAsync(_kr, "SELECT signature_sha256 FROM fed.feed WHERE content_sha256 = $1", _release);
        Assert.True(File.Exists(Path.Combine(_audit.Bundle, "blobs", _release)));
        Assert.True(File.Exists(Path.Combine(_audit.Bundle, "blobs", signature)));
        Assert.Equal(0, _audit.Verify().Exit);
    }

    [Fact]
    public async Task A_releases_content_blob_replaced_is_caught()
    {
        await TamperAsync($"UPDATE fed.blobs SET content = convert_to('signal,value\nforged', 'UTF8') WHERE sha256 = '{_release}'");
        AssertCaught("entry 9 (event ", $"envelope blob {_release}", "the stored signed content was replaced after it was logged");
    }

    [Fact]
    public async Task A_releases_signature_blob_replaced_is_caught()
    {
        var signature = await ListSteps.ScalarTextAsync(_kr, "SELECT signature_sha256 FROM fed.feed WHERE content_sha256 = $1", _release);
        await TamperAsync($"UPDATE fed.blobs SET content = '\\x3000'::bytea WHERE sha256 = '{signature}'");
        AssertCaught("entry 9 (event ", $"envelope blob {signature}", "the stored envelope was replaced after it was logged");
    }

    [Fact]
    public async Task A_release_re_signed_by_another_agencys_node_key_is_caught()
    {
        // The forger re-signs the same content with a key it holds (here FR's node key) and stores the envelope under
        // its real digest; the leaf still matches (it commits to the content), so only the signature check catches it.
        var content = await BlobAsync(_release);
        using var fr = Federation.Core.Pki.PemFiles.LoadWithKey(Repo.CertsDev("fr-ofmin", "node-signing.crt"), Repo.CertsDev("fr-ofmin", "node-signing.key"));
        var forged = new Federation.Core.Envelopes.EnvelopeSigner(fr, TimeProvider.System).SignDetached(Federation.Core.Envelopes.FederationOids.HashListRelease, content);
        var name = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(forged));
        var signature = await ListSteps.ScalarTextAsync(_kr, "SELECT signature_sha256 FROM fed.feed WHERE content_sha256 = $1", _release);
        await TamperAsync($"""
            INSERT INTO fed.blobs (sha256, media_type, size, content) VALUES ('{name}', 'application/pkcs7-signature', {forged.Length}, '\x{Convert.ToHexStringLower(forged)}');
            UPDATE fed.ledger_leaf SET envelope_blob = '{name}' WHERE envelope_blob = '{signature}'
            """);
        AssertCaught("FAILED: envelope-signature: entry 9 (event ", "envelope signature", "a signature by kr-knpa's signing certificate under kr-knpa's CA");
    }

    [Fact]
    public async Task A_checkpoint_re_signed_with_another_key_is_caught()
    {
        var (forger, _) = Ed25519NoteSigner.GenerateKey("federation.node/kr-knpa/log");
        using var key = Ed25519NoteSigner.Parse(forger);
        await using (var conn = new NpgsqlConnection(PostgresServer.Admin(_kr.Database!)))
        {
            await conn.OpenAsync();
            await using var read = new NpgsqlCommand("SELECT note FROM fed.ledger_checkpoint WHERE checkpoint_id = 1", conn);
            var genuine = SignedCheckpoint.Parse((string)(await read.ExecuteScalarAsync())!);
            var resigned = SignedCheckpoint.Sign(genuine.Checkpoint, key).ToString();
            await TamperAsync($"UPDATE fed.ledger_checkpoint SET note = '{resigned.Replace("'", "''", StringComparison.Ordinal)}' WHERE checkpoint_id = 1");
        }
        AssertCaught("checkpoint #1 (size 8", "log signature", "re-signed with another key");
    }

    [Fact]
    public async Task A_release_re_signed_under_another_trusted_agencys_ca_is_caught()
    {
        // nl's operator (holding nl's CA key) issues a signing certificate naming kr-knpa and re-signs kr's release
        // with it; the auditor trusts both agencies' CAs, but nl's CA does not vouch for kr.
        using var nlCa = PemFiles.LoadWithKey(Repo.CertsDev("nl-police", "ca.crt"), Repo.CertsDev("nl-police", "ca.key"));
        using var forgedKr = new CertificateIssuer(nlCa).Issue(CertificateProfile.NodeSigning, "CN=kr-knpa node signing, O=forged by nl",
            NodeId.Parse("kr-knpa").ToUri(), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        await PointReleaseAtAsync(new EnvelopeSigner(forgedKr, new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-1)))
            .SignDetached(FederationOids.HashListRelease, await BlobAsync(_release)));
        File.Copy(Repo.CertsDev("nl-police", "ca.crt"), Path.Combine(_audit.Trust, "nl-police.crt"));
        AssertCaught("FAILED: signer-wrong-ca: entry 9 (event ", "a certificate naming kr-knpa issued by nl-police's CA");
    }

    [Fact]
    public async Task A_signer_revoked_before_the_entry_was_logged_is_caught_and_one_revoked_after_is_not()
    {
        using var krCa = PemFiles.LoadWithKey(Repo.CertsDev("kr-knpa", "ca.crt"), Repo.CertsDev("kr-knpa", "ca.key"));
        using var signing = PemFiles.LoadCertificate(Repo.CertsDev("kr-knpa", "node-signing.crt"));
        var crl = Path.Combine(_audit.Trust, "kr-knpa.crl");
        var now = DateTimeOffset.UtcNow;

        File.WriteAllBytes(crl, new CertificateIssuer(krCa).BuildCrl([signing], 1, now.AddDays(1), now.AddDays(8)));
        Assert.Equal(0, _audit.Export(_kr).Exit);
        var later = _audit.Verify();
        Assert.True(later.Exit == 0, later.Err);

        File.WriteAllBytes(crl, new CertificateIssuer(krCa).BuildCrl([signing], 2, now.AddHours(-1), now.AddDays(7)));
        AssertCaught("FAILED: signer-revoked: entry 9 (event ", "serial " + signing.SerialNumber, "on kr-knpa.crl");
        await Task.CompletedTask;
    }

    [Fact]
    public async Task An_envelope_less_received_release_is_caught()
    {
        // A release_received row written without the envelope it claims (here through the node's own store, as the
        // application role could) becomes a leaf and is signed into the next checkpoint like any other.
        await using (var session = _kr.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Events.Append("release:fr-ofmin:forged", new Forged.ReleaseReceived("fr-ofmin", "forged", 1, new string('a', 64), DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        await LedgerEvents.SignAsync(_kr);
        AssertCaught("FAILED: envelope-missing: entry 10 (event ", "release_received", "every release_received records the one it was signed with");
    }

    [Fact]
    public async Task The_node_keeps_one_cosignature_per_witness_key_whatever_the_witness_column_says()
    {
        var (id, first, second) = await TwoCosignaturesByFrAsync();
        var checkpoints = _kr.Services.GetRequiredService<LedgerCheckpoints>();
        await checkpoints.AddCosignatureAsync(id, CosignerId.Peer(NodeId.Parse("fr-ofmin")), first, DateTimeOffset.UtcNow, CancellationToken.None);
        await checkpoints.AddCosignatureAsync(id, CosignerId.Peer(NodeId.Parse("nl-police")), second, DateTimeOffset.UtcNow, CancellationToken.None);
        // Nor does configuring the same key as an outside witness make its second line a second witness.
        await checkpoints.AddCosignatureAsync(id, CosignerId.Outside(first.Name), second, DateTimeOffset.UtcNow, CancellationToken.None);
        var latest = await checkpoints.LatestAsync(CancellationToken.None);
        Assert.Equal(first.ToLine(), Assert.Single(latest!.Cosignatures).Line.ToLine());
    }

    [Fact]
    public async Task Two_lines_from_one_witness_do_not_make_a_quorum_of_two()
    {
        // fr cosigns the latest checkpoint each time it is asked, with a new timestamp; the operator drops the node's
        // one-per-key index and stores fr's second line as if nl had returned it.
        var (id, first, second) = await TwoCosignaturesByFrAsync();
        await TamperAsync($"""
            DROP INDEX fed.ledger_cosignature_one_per_key;
            INSERT INTO fed.ledger_cosignature (checkpoint_id, witness, signature_line, cosigned_at) VALUES
              ({id}, 'fr-ofmin', '{first.ToLine()}', now()), ({id}, 'nl-police', '{second.ToLine()}', now())
            """);
        File.Copy(Repo.CertsDev("fr-ofmin", "witness.vkey"), Path.Combine(_audit.Trust, "fr-ofmin.vkey"));
        File.Copy(Repo.CertsDev("nl-police", "witness.vkey"), Path.Combine(_audit.Trust, "nl-police.vkey"));
        // Anchored on that checkpoint (--no-fresh): a fresh one would carry only what the witnesses return now.
        var export = _audit.Export(_kr, fresh: false);
        Assert.True(export.Exit == 0, export.Err);
        var (exit, _, error) = _audit.Verify(quorum: 2);
        Assert.Equal(1, exit);
        Assert.Contains("FAILED: witness-duplicated: latest checkpoint", error, StringComparison.Ordinal);
        Assert.Contains("2 cosignature lines by only 1 distinct witness keys", error, StringComparison.Ordinal);
        Assert.Equal(0, _audit.Verify(quorum: 1).Exit);
    }

    /// <summary>The latest checkpoint's id and two valid cosignatures of it by fr's witness key, a minute apart.</summary>
    private async Task<(long Id, NoteSignature First, NoteSignature Second)> TwoCosignaturesByFrAsync()
    {
        var latest = (await _kr.Services.GetRequiredService<LedgerCheckpoints>().LatestAsync(CancellationToken.None))!;
        using var fr = CosignatureV1Signer.Parse(File.ReadAllText(Repo.CertsDev("fr-ofmin", "witness.key")).Trim());
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return (latest.Id, fr.Cosign(latest.Signed.Checkpoint.Text, now), fr.Cosign(latest.Signed.Checkpoint.Text, now + 60));
    }

    /// <summary>Stores <paramref name="envelope"/> under its true digest and points the release's leaf row at it.</summary>
    private async Task PointReleaseAtAsync(byte[] envelope)
    {
        var name = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(envelope));
        var signature = await ListSteps.ScalarTextAsync(_kr, "SELECT signature_sha256 FROM fed.feed WHERE content_sha256 = $1", _release);
        await TamperAsync($"""
            INSERT INTO fed.blobs (sha256, media_type, size, content) VALUES ('{name}', 'application/pkcs7-signature', {envelope.Length}, '\x{Convert.ToHexStringLower(envelope)}');
            UPDATE fed.ledger_leaf SET envelope_blob = '{name}' WHERE envelope_blob = '{signature}'
            """);
    }

    private async Task<byte[]> BlobAsync(string sha256)
    {
        await using var conn = new NpgsqlConnection(PostgresServer.Admin(_kr.Database!));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT content FROM fed.blobs WHERE sha256 = $1", conn) { Parameters = { new() { Value = sha256 } } };
        return (byte[])(await cmd.ExecuteScalarAsync())!;
    }

    private static string SwapLeaves(int a, int b) => $"""
        UPDATE fed.ledger_leaf SET leaf_index = 1000000 WHERE leaf_index = {a};
        UPDATE fed.ledger_leaf SET leaf_index = {a} WHERE leaf_index = {b};
        UPDATE fed.ledger_leaf SET leaf_index = {b} WHERE leaf_index = 1000000;
        """;

    /// <summary>Runs <paramref name="sql"/> as a superuser with every trigger off (session_replication_role = replica).</summary>
    private async Task TamperAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(PostgresServer.Admin(_kr.Database!));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SET session_replication_role = replica;\n{sql};\nRESET session_replication_role;", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private void AssertCaught(params string[] fragments) => AssertCaught(0, fragments);

    private void AssertCaught(int quorum, params string[] fragments)
    {
        var export = _audit.Export(_kr);
        Assert.True(export.Exit == 0, export.Err);
        var (exit, _, error) = _audit.Verify(quorum);
        Assert.Equal(1, exit);
        Assert.StartsWith("fedaudit: FAILED: ", error, StringComparison.Ordinal);
        foreach (var fragment in fragments) Assert.Contains(fragment, error, StringComparison.Ordinal);
    }
}

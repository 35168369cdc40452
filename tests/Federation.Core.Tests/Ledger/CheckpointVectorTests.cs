using System.Text;
using System.Text.Json;
using Federation.Core.Ledger;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Ledger;

/// <summary>Every vector of checkpoints.json: strict body parsing, real signed checkpoints and the tlog-witness examples.</summary>
public class CheckpointVectorTests
{
    private static readonly JsonElement File = Vectors.Tlog("checkpoints.json");

    public static TheoryData<string> Bodies => [.. File.GetProperty("parse").EnumerateArray().Select(v => v.GetProperty("id").GetString()!)];

    public static TheoryData<string> Signed => [.. File.GetProperty("signed").EnumerateArray().Select(v => v.GetProperty("id").GetString()!)];

    [Fact]
    public void Every_vector_is_run()
    {
        Assert.Equal(18, Bodies.Count);
        Assert.Equal(4, Signed.Count);
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Body_is_parsed_strictly(string id)
    {
        var vector = File.GetProperty("parse").Single("id", id);
        var text = vector.GetProperty("text").GetString()!;
        if (!vector.GetProperty("c2sp_strict_valid").GetBoolean())
        {
            Assert.Equal(BodyReason(id), Assert.Throws<CheckpointFormatException>(() => Checkpoint.Parse(text)).Reason);
            return;
        }
        var checkpoint = Checkpoint.Parse(text);
        Assert.Equal(vector.GetProperty("origin").GetString(), checkpoint.Origin);
        Assert.Equal(vector.GetProperty("size").GetUInt64(), checkpoint.Size);
        Assert.Equal(vector.GetProperty("root_hex").Hash(), checkpoint.RootHash);
        var extensions = vector.GetProperty("extension_lines").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(extensions, checkpoint.Extensions);
        Assert.Equal(text, checkpoint.Text);
        Assert.Equal(checkpoint, Checkpoint.Create(checkpoint.Origin, checkpoint.Size, checkpoint.RootHash, extensions));
    }

    private static CheckpointFormatError BodyReason(string id) => id switch
    {
        "sumdb-ParseTree-bad-size-hex" or "formats-size-not-number" or "formats-size-negative" or "formats-size-too-large"
            or "spec-size-leading-zero" => CheckpointFormatError.InvalidSize,
        "sumdb-ParseTree-bad-hash" or "formats-root-not-base64" or "formats-root-not-32-bytes"
            or "spec-root-noncanonical-base64" => CheckpointFormatError.InvalidRootHash,
        // Its empty extension lines come after a 37-byte root, which is refused first.
        "formats-empty-extension-lines" => CheckpointFormatError.InvalidRootHash,
        "formats-insufficient-lines" => CheckpointFormatError.TooFewLines,
        "formats-empty-origin" => CheckpointFormatError.EmptyOrigin,
        "formats-no-final-newline" => CheckpointFormatError.MissingFinalNewline,
        _ => throw new InvalidOperationException($"No expected reason for {id}"),
    };

    [Theory]
    [MemberData(nameof(Signed))]
    public void Signed_checkpoint_verifies_with_its_log_key(string id)
    {
        var vector = File.GetProperty("signed").Single("id", id);
        var note = vector.GetProperty("note").GetString()!;
        var signed = SignedCheckpoint.Parse(note);
        Assert.Equal(vector.GetProperty("origin").GetString(), signed.Checkpoint.Origin);
        Assert.Equal(vector.GetProperty("size").GetUInt64(), signed.Checkpoint.Size);
        Assert.Equal(vector.GetProperty("root_hex").Hash(), signed.Checkpoint.RootHash);
        Assert.Equal(vector.GetProperty("extension_lines").GetArrayLength(), signed.Checkpoint.Extensions.Length);
        Assert.Equal(note, signed.ToString());

        var logKey = NoteVerifier.Parse(vector.GetProperty("log_vkey").GetString()!);
        var result = signed.Verify([logKey]);
        Assert.Equal(NoteCheck.Valid, result.Result);
        Assert.Single(result.Verified);
        Assert.Equal(vector.GetProperty("valid_witness_cosignatures").GetInt32(), vector.GetProperty("witness_vkeys").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(Signed))]
    public void Signed_checkpoint_fails_when_one_byte_of_its_size_changes(string id)
    {
        var note = File.GetProperty("signed").Single("id", id).GetProperty("note").GetString()!;
        var logKey = NoteVerifier.Parse(File.GetProperty("signed").Single("id", id).GetProperty("log_vkey").GetString()!);
        var bytes = Encoding.UTF8.GetBytes(note);
        var sizeDigit = Array.IndexOf(bytes, (byte)'\n') + 1;
        bytes[sizeDigit] = (byte)(bytes[sizeDigit] == '9' ? '8' : bytes[sizeDigit] + 1);

        var mutated = SignedCheckpoint.Parse(bytes);
        Assert.NotEqual(SignedCheckpoint.Parse(note).Checkpoint.Size, mutated.Checkpoint.Size);
        Assert.Equal(NoteCheck.InvalidSignature, mutated.Verify([logKey]).Result);
    }

    [Fact]
    public void The_tlog_witness_request_example_parses()
    {
        var example = File.GetProperty("witness_protocol").GetProperty("add_checkpoint_request_example");
        var parsed = example.GetProperty("parsed");
        Assert.True(AddCheckpointRequest.TryParse(Encoding.UTF8.GetBytes(example.GetProperty("body").GetString()!), out var request, out var problem), problem);
        Assert.Equal(parsed.GetProperty("old_size").GetUInt64(), request.OldSize);
        Assert.Equal(parsed.GetProperty("proof_b64").EnumerateArray().Select(p => p.GetString()), request.Proof.Select(h => h.ToBase64()));
        Assert.Equal(parsed.GetProperty("checkpoint_origin").GetString(), request.Checkpoint.Checkpoint.Origin);
        Assert.Equal(parsed.GetProperty("checkpoint_size").GetUInt64(), request.Checkpoint.Checkpoint.Size);
        Assert.Equal(parsed.GetProperty("signature_lines").GetInt32(), request.Checkpoint.Signatures.Length);
        Assert.Equal(example.GetProperty("body").GetString(), Encoding.UTF8.GetString(request.ToBytes()));
    }

    [Fact]
    public void The_tlog_witness_response_example_is_three_cosignature_lines()
    {
        var body = File.GetProperty("witness_protocol").GetProperty("add_checkpoint_response_example").GetProperty("body").GetString()!;
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(NoteSignature.ParseLine).ToList();
        Assert.Equal(["witness.example/w1", "witness.example/w1", "witness.example/w2"], lines.Select(l => l.Name));
        Assert.Equal(body, string.Concat(lines.Select(l => l.ToLine())));
    }

    [Fact]
    public void The_tlog_witness_conflict_example_matches_the_decision_format()
    {
        var conflict = File.GetProperty("witness_protocol").GetProperty("conflict_response");
        Assert.Equal(409, conflict.GetProperty("status").GetInt32());
        Assert.Equal(WitnessDecision.SizeContentType, conflict.GetProperty("content_type").GetString());
    }

    [Fact]
    public void The_tlog_cosignature_example_line_decodes_to_its_key_id_and_timestamp()
    {
        var example = File.GetProperty("witness_protocol").GetProperty("cosignature_example_line");
        var line = NoteSignature.ParseLine(example.GetProperty("line").GetString()!);
        var parsed = example.GetProperty("parsed");
        Assert.Equal(parsed.GetProperty("key_id_hex").GetString(), line.KeyId.ToString());
        Assert.True(CosignatureV1Verifier.TryReadTimestamp(line, out var timestamp));
        Assert.Equal(parsed.GetProperty("timestamp").GetUInt64(), timestamp);
        Assert.Equal(8 + parsed.GetProperty("ed25519_signature_len").GetInt32(), line.Signature.Length);
    }
}

using System.Text;
using Federation.Core.Ledger;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Ledger;

public class CheckpointTests
{
    [Fact]
    public void A_signed_checkpoint_verifies_with_the_published_key_string()
    {
        using var log = new TestLog().Append(10, seed: 1);
        var published = log.Key.Verifier.ToString();
        var parsed = SignedCheckpoint.Parse(log.Checkpoint().ToBytes());
        Assert.Equal(NoteCheck.Valid, parsed.Verify([NoteVerifier.Parse(published)]).Result);
        Assert.Equal(log.Size, parsed.Checkpoint.Size);
    }

    [Fact]
    public void A_signed_checkpoint_fails_with_another_key_of_the_same_name()
    {
        using var log = new TestLog().Append(10, seed: 1);
        using var impostor = new TestLog(log.Origin, keySeed: 2);
        var result = log.Checkpoint().Verify([impostor.Key.Verifier]);
        Assert.Equal(NoteCheck.NoVerifiedSignature, result.Result);
        Assert.Equal(log.Key.KeyId, Assert.Single(result.Unverified).KeyId);
    }

    [Fact]
    public void A_signed_checkpoint_fails_when_any_one_byte_of_its_text_changes()
    {
        using var log = new TestLog().Append(10, seed: 1);
        var bytes = log.Checkpoint().ToBytes();
        var textLength = Encoding.UTF8.GetByteCount(log.Checkpoint().Checkpoint.Text);
        var checkedBytes = 0;
        for (var i = 0; i < textLength; i++)
        {
            var mutated = bytes.ToArray();
            mutated[i] ^= 0x02;
            SignedCheckpoint parsed;
            try { parsed = SignedCheckpoint.Parse(mutated); }
            catch (FormatException) { continue; } // no longer a checkpoint at all, which is refused earlier still
            Assert.Equal(NoteCheck.InvalidSignature, parsed.Verify([log.Key.Verifier]).Result);
            checkedBytes++;
        }
        Assert.True(checkedBytes > textLength / 2, $"only {checkedBytes} of {textLength} mutations still parsed");
    }

    [Fact]
    public void Cosignatures_are_appended_and_verified_alongside_the_log_signature()
    {
        using var log = new TestLog().Append(5, seed: 1);
        using var witness = CosignatureV1Signer.FromSeed("witness.example/w1", Enumerable.Repeat((byte)9, 32).ToArray());
        var checkpoint = log.Checkpoint();
        var cosigned = checkpoint.WithCosignatures([witness.Cosign(checkpoint.Checkpoint.Text, 1_700_000_000)]);

        var reparsed = SignedCheckpoint.Parse(cosigned.ToBytes());
        var result = reparsed.Verify([log.Key.Verifier, witness.Verifier]);
        Assert.Equal(NoteCheck.Valid, result.Result);
        Assert.Equal([log.Key.KeyId, witness.KeyId], result.Verified.Select(s => s.KeyId));
        // A log-only reader ignores the cosignature; a witness-only reader ignores the log signature.
        Assert.Single(reparsed.Verify([log.Key.Verifier]).Unverified);
        Assert.Single(reparsed.Verify([witness.Verifier]).Verified);
    }

    [Fact]
    public void A_cosignature_does_not_verify_for_another_timestamp_or_checkpoint()
    {
        using var log = new TestLog().Append(5, seed: 1);
        using var witness = CosignatureV1Signer.FromSeed("witness.example/w1", Enumerable.Repeat((byte)9, 32).ToArray());
        var text = log.Checkpoint().Checkpoint.Text;
        var line = witness.Cosign(text, 1_700_000_000);
        var signature = line.Signature;
        Assert.True(witness.Verifier.Verify(Encoding.UTF8.GetBytes(text), signature));

        signature[7] ^= 1; // the timestamp's last byte
        Assert.False(witness.Verifier.Verify(Encoding.UTF8.GetBytes(text), signature));
        signature[7] ^= 1;
        log.Append(1, seed: 2);
        Assert.False(witness.Verifier.Verify(Encoding.UTF8.GetBytes(log.Checkpoint().Checkpoint.Text), signature));
    }

    [Fact]
    public void Refuses_an_empty_extension_line_after_a_valid_root()
    {
        var text = $"example.com/log\n5\n{Rfc6962.EmptyRoot.ToBase64()}\next\n\n";
        Assert.Equal(CheckpointFormatError.EmptyExtensionLine, Assert.Throws<CheckpointFormatException>(() => Checkpoint.Parse(text)).Reason);
    }

    [Theory]
    [InlineData("18446744073709551615", true)]
    [InlineData("18446744073709551616", false)]
    [InlineData("+5", false)]
    [InlineData(" 5", false)]
    [InlineData("5 ", false)]
    [InlineData("00", false)]
    [InlineData("", false)]
    public void Tree_sizes_are_canonical_decimals_below_2_to_the_64(string size, bool valid)
    {
        var text = $"example.com/log\n{size}\n{Rfc6962.EmptyRoot.ToBase64()}\n";
        if (valid) Assert.Equal(ulong.MaxValue, Checkpoint.Parse(text).Size);
        else Assert.Equal(CheckpointFormatError.InvalidSize, Assert.Throws<CheckpointFormatException>(() => Checkpoint.Parse(text)).Reason);
    }

    [Fact]
    public void Refuses_a_root_hash_with_whitespace_inside()
    {
        var root = Rfc6962.EmptyRoot.ToBase64();
        var text = $"example.com/log\n0\n{root[..10]} {root[10..^1]}\n";
        Assert.Equal(CheckpointFormatError.InvalidRootHash, Assert.Throws<CheckpointFormatException>(() => Checkpoint.Parse(text)).Reason);
    }

    [Fact]
    public void Create_refuses_an_origin_of_several_lines()
    {
        Assert.Throws<ArgumentException>(() => Checkpoint.Create("a\nb", 0, Rfc6962.EmptyRoot));
    }
}

using System.Text;
using Federation.Core.Ledger;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Ledger;

/// <summary>Strictness and negative cases beyond the vectors; crypto negatives change one byte of a valid note.</summary>
public class SignedNoteTests
{
    private const string PeterKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string PeterSignerKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string Text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";

    private static SignedNote PeterNote()
    {
        using var signer = Ed25519NoteSigner.Parse(PeterSignerKey);
        return signer.SignNote(Text);
    }

    [Fact]
    public void Changing_any_one_byte_of_the_text_invalidates_the_signature()
    {
        var key = NoteVerifier.Parse(PeterKey);
        var bytes = PeterNote().ToBytes();
        var textLength = Encoding.UTF8.GetByteCount(Text);
        for (var i = 0; i < textLength - 1; i++)
        {
            var mutated = bytes.ToArray();
            mutated[i] ^= 0x01;
            if (mutated[i] < 0x20) continue; // would be refused as a control character, not as a signature
            var result = SignedNote.Parse(mutated).Verify(key);
            Assert.Equal(NoteCheck.InvalidSignature, result.Result);
            Assert.Equal("PeterNeumann+c74f20a3", result.Failed!.Value.ToString());
        }
    }

    [Fact]
    public void Changing_one_byte_of_the_signature_invalidates_it()
    {
        var note = PeterNote();
        var line = note.Signatures[0];
        var signature = line.Signature;
        signature[10] ^= 0x80;
        var mutated = SignedNote.Create(note.Text, [NoteSignature.Create(line.Name, line.KeyId, signature)]);
        Assert.Equal(NoteCheck.InvalidSignature, mutated.Verify(NoteVerifier.Parse(PeterKey)).Result);
    }

    [Fact]
    public void A_key_with_the_same_name_but_another_secret_leaves_the_note_unverified()
    {
        var (_, otherKey) = Ed25519NoteSigner.GenerateKey("PeterNeumann");
        var result = PeterNote().Verify(NoteVerifier.Parse(otherKey));
        Assert.Equal(NoteCheck.NoVerifiedSignature, result.Result);
        Assert.Equal(["PeterNeumann+c74f20a3"], result.Unverified.Select(s => s.ToString()));
    }

    [Fact]
    public void A_second_different_line_from_a_known_key_must_verify_too()
    {
        // Go's note.Open skips every line after the first from a verified key; C2SP says a known key's line MUST be
        // verified, so a bad second line refuses the note here.
        var note = PeterNote();
        var good = note.Signatures[0];
        var bad = good.Signature;
        bad[0] ^= 1;
        var twoLines = note.WithSignatures([NoteSignature.Create(good.Name, good.KeyId, bad)]);
        Assert.Equal(NoteCheck.InvalidSignature, twoLines.Verify(NoteVerifier.Parse(PeterKey)).Result);
    }

    [Fact]
    public void Identical_repeated_lines_count_once()
    {
        var note = PeterNote();
        var repeated = note.WithSignatures([note.Signatures[0], note.Signatures[0]]);
        var result = repeated.Verify(NoteVerifier.Parse(PeterKey));
        Assert.Equal(NoteCheck.Valid, result.Result);
        Assert.Single(result.Verified);
        Assert.Equal(3, repeated.Signatures.Length);
    }

    [Theory]
    [InlineData("\u2014 Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=", NoteFormatError.InvalidKeyName)]
    [InlineData("\u2014 PeterNeumann  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=", NoteFormatError.InvalidBase64)]
    [InlineData("\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAN=", NoteFormatError.InvalidBase64)]
    [InlineData("\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM", NoteFormatError.InvalidBase64)]
    [InlineData("\u2014 PeterNeumann", NoteFormatError.InvalidBase64)]
    [InlineData("\u2014 PeterNeumann AAAAAA==", NoteFormatError.SignatureTooShort)]
    [InlineData("- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=", NoteFormatError.NotASignatureLine)]
    [InlineData("\u2014PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=", NoteFormatError.NotASignatureLine)]
    public void Refuses_a_malformed_signature_line(string line, NoteFormatError reason)
    {
        var ex = Assert.Throws<NoteFormatException>(() => SignedNote.Parse(Text + "\n" + line + "\n"));
        Assert.Equal(reason, ex.Reason);
    }

    [Fact]
    public void Accepts_exactly_the_maximum_number_of_signatures()
    {
        var line = PeterNote().Signatures[0].ToLine();
        Assert.Equal(100, SignedNote.Parse(Text + "\n" + string.Concat(Enumerable.Repeat(line, 100))).Signatures.Length);
        var ex = Assert.Throws<NoteFormatException>(() => SignedNote.Parse(Text + "\n" + string.Concat(Enumerable.Repeat(line, 101))));
        Assert.Equal(NoteFormatError.TooManySignatures, ex.Reason);
    }

    [Fact]
    public void Refuses_carriage_returns()
    {
        var ex = Assert.Throws<NoteFormatException>(() => SignedNote.Parse(PeterNote().ToString().Replace("problem,\n", "problem,\r\n")));
        Assert.Equal(NoteFormatError.ControlCharacter, ex.Reason);
    }

    [Fact]
    public void Refuses_a_note_string_with_an_unpaired_surrogate_instead_of_replacing_it()
    {
        var note = PeterNote().ToString().Replace("answer", "answer\uD800");
        Assert.Equal(NoteFormatError.InvalidUtf8, Assert.Throws<NoteFormatException>(() => SignedNote.Parse(note)).Reason);
        Assert.Equal(NoteFormatError.InvalidUtf8, Assert.Throws<NoteFormatException>(() => SignedCheckpoint.Parse(note)).Reason);
    }

    [Fact]
    public void Refuses_seeds_that_are_not_32_bytes_and_names_that_are_not_key_names()
    {
        Assert.Equal(NoteKeyError.InvalidKey, Assert.Throws<NoteKeyFormatException>(() => Ed25519NoteSigner.FromSeed("log", new byte[31])).Reason);
        Assert.Equal(NoteKeyError.InvalidName, Assert.Throws<NoteKeyFormatException>(() => CosignatureV1Signer.FromSeed("a+b", new byte[32])).Reason);
        Assert.Equal(NoteKeyError.InvalidName, Assert.Throws<NoteKeyFormatException>(() => Ed25519NoteSigner.GenerateKey("two words")).Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no final newline")]
    public void Refuses_to_sign_text_that_does_not_end_in_a_newline(string text)
    {
        using var signer = Ed25519NoteSigner.Parse(PeterSignerKey);
        Assert.Equal(NoteFormatError.InvalidText, Assert.Throws<NoteFormatException>(() => signer.Sign(text)).Reason);
    }

    [Fact]
    public void Two_known_keys_with_the_same_name_and_id_are_a_configuration_error()
    {
        var key = NoteVerifier.Parse(PeterKey);
        Assert.Throws<ArgumentException>(() => PeterNote().Verify(key, NoteVerifier.Parse(PeterKey)));
    }

    [Fact]
    public void Generated_keys_sign_and_verify_and_round_trip()
    {
        var (signerKey, verifierKey) = Ed25519NoteSigner.GenerateKey("node.example/log");
        using var signer = Ed25519NoteSigner.Parse(signerKey);
        Assert.Equal(verifierKey, signer.Verifier.ToString());
        Assert.StartsWith("PRIVATE+KEY+node.example/log+" + signer.KeyId + "+", signerKey);
        Assert.Equal(NoteCheck.Valid, signer.SignNote("hello\n").Verify(NoteVerifier.Parse(verifierKey)).Result);
    }

    [Fact]
    public void Signer_keys_are_checked_like_verifier_keys()
    {
        Assert.Equal(NoteKeyError.KeyIdMismatch, Assert.Throws<NoteKeyFormatException>(() =>
            Ed25519NoteSigner.Parse(PeterSignerKey.Replace("c74f20a3", "c74f20a4"))).Reason);
        Assert.Equal(NoteKeyError.MissingField, Assert.Throws<NoteKeyFormatException>(() =>
            Ed25519NoteSigner.Parse(PeterSignerKey["PRIVATE+".Length..])).Reason);
        // A log key is not a witness key: the type byte must match the role.
        Assert.Equal(NoteKeyError.UnsupportedType, Assert.Throws<NoteKeyFormatException>(() =>
            CosignatureV1Signer.Parse(PeterSignerKey)).Reason);
        var (witnessKey, _) = CosignatureV1Signer.GenerateKey("witness.example");
        Assert.Equal(NoteKeyError.UnsupportedType, Assert.Throws<NoteKeyFormatException>(() =>
            Ed25519NoteSigner.Parse(witnessKey)).Reason);
    }

    [Fact]
    public void The_same_public_key_has_different_ids_as_log_key_and_witness_key()
    {
        using var signer = Ed25519NoteSigner.Parse(PeterSignerKey);
        var asWitness = NoteVerifier.Parse($"PeterNeumann+{NoteKeyId.Compute("PeterNeumann", 0x04, signer.Verifier.Key)}+{Convert.ToBase64String([0x04, .. signer.Verifier.Key])}");
        Assert.IsType<CosignatureV1Verifier>(asWitness);
        Assert.NotEqual(signer.KeyId, asWitness.KeyId);
    }

    [Fact]
    public void Note_text_may_contain_blank_lines()
    {
        using var signer = Ed25519NoteSigner.Parse(PeterSignerKey);
        var note = signer.SignNote("first\n\nsecond\n\n");
        var parsed = SignedNote.Parse(note.ToBytes());
        Assert.Equal("first\n\nsecond\n\n", parsed.Text);
        Assert.Equal(NoteCheck.Valid, parsed.Verify(signer.Verifier).Result);
    }
}

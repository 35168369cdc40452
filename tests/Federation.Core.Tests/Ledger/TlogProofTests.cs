using System.Text;
using Federation.Core.Audit;
using Federation.Core.Ledger;

namespace Federation.Core.Tests.Ledger;

/// <summary>The C2SP tlog-proof v1 file: its exact form, a round trip, and each malformed or oversized file refused
/// with its own reason.</summary>
public class TlogProofTests
{
    // The proof part of the spec's example, verbatim; its checkpoint's signatures are elided there ("[...]"), so the
    // checkpoint here is the example's checkpoint text signed with real keys of the same names.
    private const string ExampleHead = """
        c2sp.org/tlog-proof@v1
        extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
        index 73894
        gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
        B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
        EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
        RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
        AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

        """;

    private const string ExampleCheckpoint = "example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n";

    private static string Example()
    {
        using var log = Ed25519NoteSigner.Parse(Ed25519NoteSigner.GenerateKey("example.com/fancylog").SignerKey);
        var note = log.SignNote(ExampleCheckpoint);
        var cosignatures = new[] { "witness1.example", "witness2.example", "witness3.example" }.Select(name =>
        {
            using var w = CosignatureV1Signer.Parse(CosignatureV1Signer.GenerateKey(name).SignerKey);
            return w.Cosign(ExampleCheckpoint, 1_700_000_000);
        });
        return ExampleHead.ReplaceLineEndings("\n") + "\n" + note.WithSignatures(cosignatures);
    }

    [Fact]
    public void The_specs_example_parses_and_writes_back_byte_for_byte()
    {
        var text = Example();
        var proof = TlogProof.Parse(Encoding.UTF8.GetBytes(text));
        Assert.Equal(73894UL, proof.Index);
        Assert.Equal(5, proof.Proof.Length);
        Assert.Equal("gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=", proof.Proof[0].ToBase64());
        Assert.Equal("age-v1.2.1-darwin-arm64.tar.gz", Encoding.ASCII.GetString(proof.Extra[..30]));
        Assert.Equal("example.com/fancylog", proof.Checkpoint.Checkpoint.Origin);
        Assert.Equal(109482UL, proof.Checkpoint.Checkpoint.Size);
        Assert.Equal(4, proof.Checkpoint.Signatures.Length);
        Assert.Equal(text, proof.ToString());
    }

    [Fact]
    public void A_proof_without_extra_and_without_hashes_round_trips()
    {
        using var log = Ed25519NoteSigner.Parse(Ed25519NoteSigner.GenerateKey("example.com/one").SignerKey);
        var checkpoint = SignedCheckpoint.Sign(Checkpoint.Create("example.com/one", 1, Rfc6962.LeafHash([1, 2, 3])), log);
        var proof = TlogProof.Create(0, [], checkpoint);
        var text = proof.ToString();
        Assert.StartsWith("c2sp.org/tlog-proof@v1\nindex 0\n\nexample.com/one\n1\n", text, StringComparison.Ordinal);
        var back = TlogProof.Parse(proof.ToBytes());
        Assert.False(back.HasExtra);
        Assert.Empty(back.Proof);
        Assert.Equal(text, back.ToString());
    }

    [Fact]
    public void The_entry_in_extra_round_trips_as_canonical_json()
    {
        using var data = System.Text.Json.JsonDocument.Parse("""{"b":1.50,"a":"x"}""");
        var entry = new AuditEntry(7, Guid.Parse("0190a0b1-0000-7000-8000-000000000001"), "case:1", "case_noted", 1_700_000_000_000_000,
            Convert.ToBase64String(new byte[32]), null, Convert.ToBase64String(new byte[32]), data.RootElement.Clone());
        var extra = ProofEntry.Create("kr-knpa", entry, [0x30, 0x03], [("ab", [1, 2])]).Encode();
        Assert.Equal(extra, CanonicalJson.Canonicalize(extra)); // already canonical: one spelling per entry
        var back = ProofEntry.Decode(extra);
        Assert.Equal("kr-knpa", back.NodeId);
        Assert.Equal(7UL, back.Entry.Index);
        Assert.Equal("""{"a":"x","b":1.5}""", Encoding.UTF8.GetString(CanonicalJson.Canonicalize(back.Entry.Data!.Value)));
        Assert.Equal(new byte[] { 1, 2 }, back.Blob("ab"));
        Assert.Throws<FormatException>(() => ProofEntry.Decode("""{"format":"other"}"""u8));
        Assert.Throws<FormatException>(() => ProofEntry.Decode("not json"u8));
    }

    public static TheoryData<string, string, TlogProofFormatError> Malformed => new()
    {
        { "wrong header", "c2sp.org/tlog-proof@v2\n", TlogProofFormatError.WrongHeader },
        { "CR line ends", "\r\n", TlogProofFormatError.InvalidText },
        { "empty extra", "extra \n", TlogProofFormatError.InvalidExtra },
        { "non-canonical extra", "extra YQ==x\n", TlogProofFormatError.InvalidExtra },
        { "leading zero index", "index 01\n", TlogProofFormatError.InvalidIndex },
        { "no index", "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n", TlogProofFormatError.InvalidIndex },
        { "short hash", "AAAA\n", TlogProofFormatError.InvalidProofHash },
        { "no empty line", "", TlogProofFormatError.InvalidCheckpoint },
        { "bad checkpoint", "\nexample.com/x\n", TlogProofFormatError.InvalidCheckpoint },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_file_is_refused_with_its_reason(string what, string change, TlogProofFormatError reason)
    {
        var valid = Example();
        var text = what switch
        {
            "wrong header" => valid.Replace("c2sp.org/tlog-proof@v1\n", change, StringComparison.Ordinal),
            "CR line ends" => valid.Replace("index 73894\n", "index 73894" + change, StringComparison.Ordinal),
            "empty extra" or "non-canonical extra" => valid.Replace(valid.Split('\n')[1] + "\n", change, StringComparison.Ordinal),
            "leading zero index" => valid.Replace("index 73894\n", change, StringComparison.Ordinal),
            "no index" => valid.Replace("index 73894\n", "", StringComparison.Ordinal),
            "short hash" => valid.Replace("gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n", change, StringComparison.Ordinal),
            "no empty line" => valid[..valid.IndexOf("\n\n", StringComparison.Ordinal)] + "\n",
            "bad checkpoint" => valid[..valid.IndexOf("\n\n", StringComparison.Ordinal)] + "\n" + change,
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        var e = Assert.Throws<TlogProofFormatException>(() => TlogProof.Parse(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(reason, e.Reason);
    }

    [Fact]
    public void More_than_64_proof_hashes_are_refused()
    {
        var hash = "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n";
        var valid = Example();
        var at = valid.IndexOf("\n\n", StringComparison.Ordinal) + 1;
        var sixtyFour = valid[..at] + string.Concat(Enumerable.Repeat(hash, 59)) + valid[at..];
        Assert.Equal(64, TlogProof.Parse(Encoding.UTF8.GetBytes(sixtyFour)).Proof.Length);
        var sixtyFive = valid[..at] + string.Concat(Enumerable.Repeat(hash, 60)) + valid[at..];
        Assert.Equal(TlogProofFormatError.TooManyProofHashes,
            Assert.Throws<TlogProofFormatException>(() => TlogProof.Parse(Encoding.UTF8.GetBytes(sixtyFive))).Reason);
        Assert.Throws<ArgumentException>(() => TlogProof.Create(0, Enumerable.Repeat(Rfc6962.EmptyRoot, 65), TlogProof.Parse(Encoding.UTF8.GetBytes(valid)).Checkpoint));
    }

    [Fact]
    public void A_file_larger_than_the_cap_is_refused_before_it_is_read()
    {
        var big = new byte[TlogProof.MaxBytes + 1];
        Assert.Equal(TlogProofFormatError.TooLarge, Assert.Throws<TlogProofFormatException>(() => TlogProof.Parse(big)).Reason);
    }
}

using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Core.Releases;
using Federation.Core.Requests;

namespace Federation.Fuzz;

/// <summary>
/// One valid input per target, written fresh from the library itself, so AFL++ starts from what the node really
/// reads rather than from bytes that drift out of date with the formats.
/// </summary>
internal static class Seeds
{
    public static async Task WriteAsync(string directory, string imageSeed)
    {
        var at = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var kr = NodeId.Parse("kr-knpa");

        Write(directory, "release", await ReleaseAsync(kr, at));
        Write(directory, "csv", Encoding.UTF8.GetBytes(
            EntryCsv.Header + "\n" +
            "sha256," + Convert.ToHexStringLower(SHA256.HashData("a"u8)) + ",csam,KR-APCSA-11,\n" +
            "md5," + Convert.ToHexStringLower(MD5.HashData("b"u8)) + ",deepfake-ncii,,video;reviewed\n" +
            "pdq," + Convert.ToHexStringLower(SHA256.HashData("c"u8)) + ",deepfake-ncii,,\n"));

        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=fuzz-seed", key, HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(at.AddDays(-1), at.AddDays(30));
            var signer = new EnvelopeSigner(certificate, new FixedTime(at));
            Write(directory, "envelope", signer.SignAttached("1.2.840.113549.1.7.1", "{\"seed\":true}"u8));
        }

        using (var logKey = Ed25519NoteSigner.FromSeed("federation.node/kr-knpa/log", SHA256.HashData("fuzz-seed"u8)))
        {
            var checkpoint = Checkpoint.Create("federation.node/kr-knpa/log", 7, MerkleHash.FromBytes(SHA256.HashData("root"u8)));
            Write(directory, "note", SignedCheckpoint.Sign(checkpoint, logKey).Note.ToBytes());
        }

        var step = new CaseStepDocument(1, CaseRef.New(kr, at), 2, null,
            new Actor(kr, "urn:federation:person:kr-knpa:officer", CaseRole.Officer), at, new Answer("seed"));
        Write(directory, "case-step", step.ToUtf8());

        Write(directory, "image", File.ReadAllBytes(imageSeed));
    }

    private static async Task<byte[]> ReleaseAsync(NodeId origin, DateTimeOffset at)
    {
        var header = new ReleaseHeader(ListId.Parse("ncii-2026"), origin, new ReleaseVersion(1), null, at, at.AddDays(30), Audience.AllPeers, TlpLabel.Amber);
        using var output = new MemoryStream();
        await ReleasePacker.PackAsync(header, Changes(), output);
        return output.ToArray();
    }

    private static async IAsyncEnumerable<SourcedChange> Changes([EnumeratorCancellation] CancellationToken ct = default)
    {
        var label = new EntryLabel(Classification.DeepfakeNcii, null, TagSet.Parse("video;reviewed"));
        for (var i = 0; i < 6; i++)
        {
            ct.ThrowIfCancellationRequested();
            var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("seed" + i));
            var value = (i % 3) switch
            {
                0 => SignalValue.FromBytes(SignalType.Sha256, bytes),
                1 => SignalValue.FromBytes(SignalType.Md5, bytes.AsSpan(0, 16)),
                _ => SignalValue.FromBytes(SignalType.Pdq, bytes),
            };
            yield return new SourcedChange(i + 2, i == 4 ? ReleaseChange.Withdraw(value) : ReleaseChange.Add(value, label));
        }
        await Task.CompletedTask;
    }

    private static void Write(string directory, string target, byte[] bytes)
    {
        var folder = Path.Combine(directory, target);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "seed"), bytes);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

using Federation.Core.Ledger;
using Federation.Core.Pki;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Pki;

/// <summary>Every private key committed in certs-dev/ is on <see cref="DevKeys"/>' list, so none of them can start a
/// node outside Development; a regenerated certs-dev fails here until the list is updated.</summary>
public sealed class CertsDevKeysTests
{
    public static TheoryData<string> KeyFiles() =>
        new(Directory.GetFiles(Path.Combine(Repo.Root, "certs-dev"), "*.key", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repo.Root, f)).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(KeyFiles))]
    public void Every_certs_dev_key_is_known_by_its_public_key(string relative)
    {
        var path = Path.Combine(Repo.Root, relative);
        var text = File.ReadAllText(path).Trim();
        var fingerprint = Path.GetFileName(path) switch
        {
            "log.key" => DevKeys.NoteKeyFingerprint(Ed25519NoteSigner.Parse(text).Verifier.ToString()),
            "witness.key" => DevKeys.NoteKeyFingerprint(CosignatureV1Signer.Parse(text).Verifier.ToString()),
            "data-protection.key" => DataProtectionKey.Parse(text).Fingerprint,
            _ => DevKeys.Fingerprint(PemFiles.LoadWithKey(Path.ChangeExtension(path, ".crt"), path)),
        };
        Assert.True(DevKeys.IsDevelopmentKey(fingerprint), $"{relative} ({fingerprint}) is not on DevKeys' list");
    }

    [Fact]
    public void A_freshly_made_key_is_not_a_development_key()
    {
        using var ca = CertificateIssuer.CreateCa("CN=test, OU=" + DevPki.DevMarker, Some.Now, Some.Now.AddYears(1));
        Assert.False(DevKeys.IsDevelopmentKey(ca));
        Assert.False(DevKeys.IsDevelopmentKey(DataProtectionKey.Parse(DataProtectionKey.Generate()).Fingerprint));
    }
}

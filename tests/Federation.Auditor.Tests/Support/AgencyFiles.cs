using System.Security.Cryptography.X509Certificates;
using Federation.Core.Descriptors;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Pki;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Auditor.Tests.Support;

/// <summary>An agency CA and node signing certificate made in the test, and a directory to write what an auditor
/// is handed: the CA certificate and signed descriptors.</summary>
internal sealed class AgencyFiles : IDisposable
{
    public const string DisplayName = "Korean National Police Agency";

    public static readonly NodeId Kr = NodeId.Parse("kr-knpa");

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fedaudit-tests-" + Guid.NewGuid().ToString("N"));

    public X509Certificate2 Ca { get; }
    public X509Certificate2 Signing { get; }

    /// <summary>The CA certificate (PEM, no key), as another agency would receive it.</summary>
    public string CaPath { get; }

    public AgencyFiles(string caSubject = "CN=kr-knpa Agency CA, O=Federation test")
    {
        Directory.CreateDirectory(_dir);
        Ca = CertificateIssuer.CreateCa(caSubject, Fedaudit.Now.AddYears(-1), Fedaudit.Now.AddYears(10));
        Signing = new CertificateIssuer(Ca).Issue(CertificateProfile.NodeSigning, "CN=kr-knpa node signing, O=Federation test", Kr.ToUri(),
            Fedaudit.Now.AddDays(-1), Fedaudit.Now.AddDays(90));
        CaPath = Path.Combine(_dir, "ca.crt");
        PemFiles.WriteCertificate(CaPath, Ca);
    }

    public string this[string name] => Path.Combine(_dir, name);

    public NodeDescriptor Descriptor(string nodeId = "kr-knpa", string displayName = DisplayName) =>
        new(nodeId, displayName, "KR", "https://kr.example:8443/", Convert.ToBase64String(Signing.RawData), null, Fedaudit.Now.AddMinutes(-1));

    public byte[] Envelope(NodeDescriptor descriptor) =>
        new EnvelopeSigner(Signing, new FakeTimeProvider(Fedaudit.Now)).SignAttached(FederationOids.NodeDescriptor, descriptor.Encode());

    /// <summary>Writes <paramref name="envelope"/> (default: a good descriptor) and returns its path.</summary>
    public string Write(string name, byte[]? envelope = null)
    {
        var path = this[name];
        File.WriteAllBytes(path, envelope ?? Envelope(Descriptor()));
        return path;
    }

    public void Dispose()
    {
        Signing.Dispose();
        Ca.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Core.Pki;

/// <summary>Reads and writes certificates and keys as PEM files.</summary>
public static class PemFiles
{
    /// <summary>A certificate with its private key from a <c>.crt</c>/<c>.key</c> pair.</summary>
    public static X509Certificate2 LoadWithKey(string certPath, string keyPath)
    {
        using var ephemeral = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        // Round trip through PKCS#12 so the key is not ephemeral (SslStream on some platforms needs that).
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>The first certificate of a PEM file (no key).</summary>
    public static X509Certificate2 LoadCertificate(string certPath) => X509CertificateLoader.LoadCertificateFromFile(certPath);

    /// <summary>All certificates in a PEM file, in order (a leaf followed by its intermediates).</summary>
    public static X509Certificate2Collection LoadCertificates(string path)
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(path);
        return all;
    }

    public static void WriteCertificate(string path, X509Certificate2 cert) => File.WriteAllText(path, cert.ExportCertificatePem() + "\n");

    /// <summary>Writes the private key as unencrypted PKCS#8 PEM, readable by the owner only from the first byte.</summary>
    public static void WritePrivateKey(string path, X509Certificate2 cert)
    {
        using var key = cert.GetECDsaPrivateKey() ?? throw new InvalidOperationException($"{cert.Subject} has no ECDSA private key");
        WritePrivateKey(path, key);
    }

    public static void WritePrivateKey(string path, AsymmetricAlgorithm key)
    {
        KeyFiles.WriteSecret(path, key.ExportPkcs8PrivateKeyPem() + "\n");
    }
}

using System.Security.Cryptography;
using System.Xml.Linq;
using Federation.Core.Pki;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Federation.Node.Console;

/// <summary>
/// Encrypts each Data Protection key at rest with the node's own key (<c>Node:Certificates:DataProtectionKey</c>):
/// AES-256-GCM, a fresh 96-bit nonce per element, the key's id as associated data. Whoever reads the database (a
/// backup, a replica, a DBA) then holds no key that forges the console's antiforgery or visit tokens.
/// </summary>
public sealed class KeyRingEncryptor(DataProtectionKey key) : IXmlEncryptor
{
    internal static readonly XNamespace Ns = "urn:federation:data-protection:v1";
    internal const int NonceSize = 12, TagSize = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key.Bytes, TagSize))
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize, plaintext.Length), sealedBytes.AsSpan(NonceSize + plaintext.Length), AssociatedData(key.Id));
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(Ns + "encryptedKey", new XAttribute("keyId", key.Id), new XElement(Ns + "value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(KeyRingDecryptor));
    }

    internal static byte[] AssociatedData(string keyId) => System.Text.Encoding.ASCII.GetBytes("federation-data-protection/" + keyId);
}

/// <summary>Reverses <see cref="KeyRingEncryptor"/>; refuses, naming both ids, a ring entry sealed under another key.
/// Data Protection makes it with the service provider (its activator's contract).</summary>
public sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = services.GetRequiredService<DataProtectionKey>();
        var keyId = (string?)encryptedElement.Attribute("keyId") ?? "(none)";
        if (keyId != key.Id)
            throw new CryptographicException($"this Data Protection key ring entry was encrypted with key {keyId}; Node:Certificates:DataProtectionKey holds key {key.Id}");
        var sealedBytes = Convert.FromBase64String((string?)encryptedElement.Element(KeyRingEncryptor.Ns + "value") ?? "");
        if (sealedBytes.Length < KeyRingEncryptor.NonceSize + KeyRingEncryptor.TagSize) throw new CryptographicException("the encrypted key ring entry is truncated");
        var length = sealedBytes.Length - KeyRingEncryptor.NonceSize - KeyRingEncryptor.TagSize;
        var plaintext = new byte[length];
        using (var aes = new AesGcm(key.Bytes, KeyRingEncryptor.TagSize))
            aes.Decrypt(sealedBytes.AsSpan(0, KeyRingEncryptor.NonceSize), sealedBytes.AsSpan(KeyRingEncryptor.NonceSize, length),
                sealedBytes.AsSpan(KeyRingEncryptor.NonceSize + length), plaintext, KeyRingEncryptor.AssociatedData(key.Id));
        try
        {
            return XElement.Parse(System.Text.Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using Federation.Core.Pki;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Pki;

public sealed class RevocationListTests : IDisposable
{
    private readonly TestCa _ca = new();

    public void Dispose() => _ca.Dispose();

    [Fact]
    public void Loads_a_der_crl_with_its_dates_and_revoked_serials()
    {
        using var revoked = _ca.Issue(CertificateProfile.NodeClient, Some.Kr);
        using var kept = _ca.Issue(CertificateProfile.NodeClient, Some.Kr);
        var der = _ca.Crl([revoked], Some.Now.AddHours(-1), Some.Now.AddDays(7));

        var crl = RevocationList.Load(der, _ca.Certificate);

        Assert.Equal(1, crl.Count);
        Assert.True(crl.IsRevoked(revoked));
        Assert.False(crl.IsRevoked(kept));
        Assert.Equal(Some.Now.AddHours(-1), crl.ThisUpdate);
        Assert.Equal(Some.Now.AddDays(7), crl.NextUpdate);
    }

    [Fact]
    public void Loads_a_pem_crl()
    {
        using var revoked = _ca.Issue(CertificateProfile.NodeClient, Some.Kr);
        var pem = Encoding.ASCII.GetBytes(new string(PemEncoding.Write("X509 CRL", _ca.Crl([revoked]))) + "\n");

        var crl = RevocationList.Load(pem, _ca.Certificate);

        Assert.True(crl.IsRevoked(revoked));
    }

    [Fact]
    public void Loads_an_empty_crl()
    {
        using var leaf = _ca.Issue(CertificateProfile.NodeClient, Some.Kr);

        var crl = RevocationList.Load(_ca.Crl([]), _ca.Certificate);

        Assert.Equal(0, crl.Count);
        Assert.False(crl.IsRevoked(leaf));
    }

    [Fact]
    public void Refuses_a_crl_signed_by_a_rogue_ca_with_an_identical_subject()
    {
        using var rogue = new TestCa(TestCa.DefaultSubject);
        using var leaf = _ca.Issue(CertificateProfile.NodeClient, Some.Kr);
        var forged = rogue.Crl([leaf]);

        var e = Assert.Throws<CryptographicException>(() => RevocationList.Load(forged, _ca.Certificate));

        Assert.Contains("signature does not verify", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_crl_issued_under_another_name()
    {
        using var other = new TestCa("CN=fr-ofmin Agency CA, O=Federation test");

        var e = Assert.Throws<CryptographicException>(() => RevocationList.Load(other.Crl([]), _ca.Certificate));

        Assert.Contains("issued by another CA", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_crl_with_one_byte_of_its_signature_changed()
    {
        var der = _ca.Crl([]);
        Assert.Equal(0, RevocationList.Load(der, _ca.Certificate).Count);

        // The last byte of the DER is the last byte of the ECDSA signature's s value.
        var e = Assert.Throws<CryptographicException>(() => RevocationList.Load(Bytes.WithByteFlipped(der, der.Length - 1), _ca.Certificate));

        Assert.Contains("signature does not verify", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_crl_with_one_byte_of_its_signed_part_changed()
    {
        using var revoked = _ca.Issue(CertificateProfile.NodeClient, Some.Kr);
        var der = _ca.Crl([revoked]);
        // The last byte of the revoked serial: the CRL would now name another certificate.
        var serial = revoked.SerialNumberBytes.ToArray();
        var at = Bytes.IndexOf(der, serial) + serial.Length - 1;

        var e = Assert.Throws<CryptographicException>(() => RevocationList.Load(Bytes.WithByteFlipped(der, at), _ca.Certificate));

        Assert.Contains("signature does not verify", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_bytes_that_are_not_a_crl()
    {
        var e = Assert.Throws<CryptographicException>(() => RevocationList.Load("garbage"u8, _ca.Certificate));

        Assert.Contains("not valid DER", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_the_crl_number_and_orders_by_it()
    {
        var four = RevocationList.Load(_ca.Crl(4, Some.Now), _ca.Certificate);
        var five = RevocationList.Load(_ca.Crl(5, Some.Now.AddHours(-2)), _ca.Certificate);

        Assert.Equal(4, four.Number);
        Assert.Equal(CrlOrder.Newer, five.CompareTo(four)); // the number decides, not thisUpdate
        Assert.Equal(CrlOrder.NotNewer, four.CompareTo(five));
        Assert.Equal(CrlOrder.Same, four.CompareTo(RevocationList.Load(_ca.Crl(4, Some.Now), _ca.Certificate)));
        Assert.Equal(CrlOrder.NotNewer, four.CompareTo(RevocationList.Load(_ca.Crl(4, Some.Now.AddHours(-1)), _ca.Certificate)));
    }

    [Fact]
    public void Without_a_crl_number_orders_by_this_update()
    {
        var older = RevocationList.Load(_ca.CrlWithoutNextUpdate([], Some.Now.AddHours(-1)), _ca.Certificate);
        var newer = RevocationList.Load(_ca.CrlWithoutNextUpdate([], Some.Now), _ca.Certificate);

        Assert.Null(newer.Number);
        Assert.Equal(CrlOrder.Newer, newer.CompareTo(older));
        Assert.Equal(CrlOrder.NotNewer, older.CompareTo(newer));
    }

    [Fact]
    public void Loads_a_hand_encoded_crl_with_its_number_and_serials()
    {
        using var revoked = _ca.Issue(CertificateProfile.NodeClient, Some.Kr);
        var crl = RevocationList.Load(_ca.CrlWithoutNextUpdate([revoked], Some.Now, 9), _ca.Certificate);

        Assert.Equal(9, crl.Number);
        Assert.True(crl.IsRevoked(revoked));
    }
}

using Federation.Core.Pki;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Pki;

public sealed class PersonIdTests
{
    [Fact]
    public void Binds_agency_and_handle_into_a_urn_uri()
    {
        Assert.Equal("urn:federation:person:kr-knpa:officer", PersonId.ToUri(Some.Kr, "officer"));
    }

    [Fact]
    public void Person_uri_comes_from_the_one_person_uri()
    {
        using var cert = SanCertificates.WithUris("urn:federation:node:kr-knpa", "urn:federation:person:kr-knpa:officer");

        Assert.Equal("urn:federation:person:kr-knpa:officer", PersonId.FromCertificate(cert));
    }

    [Fact]
    public void Two_person_uris_name_no_person()
    {
        using var cert = SanCertificates.WithUris("urn:federation:person:kr-knpa:officer", "urn:federation:person:kr-knpa:auditor");

        Assert.Null(PersonId.FromCertificate(cert));
    }

    [Fact]
    public void A_node_certificate_names_no_person()
    {
        using var cert = SanCertificates.WithUris("urn:federation:node:kr-knpa");

        Assert.Null(PersonId.FromCertificate(cert));
    }
}

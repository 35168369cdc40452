using Federation.Core.Identity;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Identity;

public sealed class CertificateNamesTests
{
    [Fact]
    public void Reads_every_uri_san_in_certificate_order_and_skips_other_names()
    {
        using var cert = SanCertificates.WithUris("urn:federation:node:kr-knpa", "https://kr.example/", "urn:federation:person:kr-knpa:officer");

        Assert.Equal(["urn:federation:node:kr-knpa", "https://kr.example/", "urn:federation:person:kr-knpa:officer"], CertificateNames.UriSans(cert));
    }

    [Fact]
    public void A_certificate_without_a_san_extension_has_no_uri()
    {
        using var cert = SanCertificates.With("CN=kr-knpa", withSan: false);

        Assert.Empty(CertificateNames.UriSans(cert));
    }

    [Fact]
    public void Node_id_comes_from_the_one_node_uri()
    {
        using var cert = SanCertificates.WithUris("https://kr.example/", "urn:federation:node:kr-knpa", "urn:federation:person:kr-knpa:officer");

        Assert.Equal(Some.Kr, NodeId.FromCertificate(cert));
    }

    [Fact]
    public void No_node_id_from_a_san_without_a_node_uri()
    {
        using var cert = SanCertificates.WithUris("urn:federation:person:kr-knpa:officer");

        Assert.Null(NodeId.FromCertificate(cert));
    }

    [Fact]
    public void No_node_id_from_the_common_name()
    {
        // Threats A4: identity is never taken from the CN.
        using var cert = SanCertificates.With("CN=urn:federation:node:kr-knpa", withSan: false);

        Assert.Null(NodeId.FromCertificate(cert));
    }

    [Fact]
    public void Two_node_uris_are_ambiguous_and_name_no_node()
    {
        using var cert = SanCertificates.WithUris("urn:federation:node:kr-knpa", "urn:federation:node:fr-ofmin");

        Assert.Null(NodeId.FromCertificate(cert));
    }

    [Fact]
    public void The_same_node_uri_twice_is_still_ambiguous()
    {
        using var cert = SanCertificates.WithUris("urn:federation:node:kr-knpa", "urn:federation:node:kr-knpa");

        Assert.Null(NodeId.FromCertificate(cert));
    }

    [Fact]
    public void A_node_uri_with_a_malformed_id_names_no_node()
    {
        using var cert = SanCertificates.WithUris("urn:federation:node:kr--knpa");

        Assert.Null(NodeId.FromCertificate(cert));
    }
}

using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Core.Pki;

/// <summary>
/// Every key in certs-dev/ (public, committed), known by the SHA-256 of its public part, so a node can refuse them
/// outside Development wherever they were copied to or renamed: a path or a subject marker is easy to lose, the key
/// itself is not. CertsDevKeysTests checks this list against the files; regenerating certs-dev means updating it.
/// </summary>
public static class DevKeys
{
    /// <summary>SHA-256 (hex) of a certificate's SubjectPublicKeyInfo.</summary>
    public static string Fingerprint(X509Certificate2 cert) =>
        Convert.ToHexStringLower(SHA256.HashData(cert.PublicKey.ExportSubjectPublicKeyInfo()));

    /// <summary>SHA-256 (hex) of a C2SP verifier key's key material (type byte and public key, after the second '+').</summary>
    public static string NoteKeyFingerprint(string verifierKey)
    {
        var first = verifierKey.IndexOf('+');
        var second = first < 0 ? -1 : verifierKey.IndexOf('+', first + 1);
        if (second < 0) throw new FormatException("not a verifier key (<name>+<id>+<key>)");
        return Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(verifierKey[(second + 1)..])));
    }

    public static bool IsDevelopmentKey(string fingerprint) => Known.Contains(fingerprint);

    public static bool IsDevelopmentKey(X509Certificate2 cert) => IsDevelopmentKey(Fingerprint(cert));

    private static readonly FrozenSet<string> Known = new[]
    {
        "07306fcfcee896fd680daf5d1267c1d0092d3d80a1839125e2073f995528b0d4", // certs-dev/fr-ofmin/auditor.key
        "1488a9373e8c00fde93c122cc6d35c86c1ad54abbd547d8c0d45c3e817bbfe6e", // certs-dev/fr-ofmin/ca.key
        "85414e19324929634ec49a2a488697444de9d4f08d95b61561ac384bc5c7185d", // certs-dev/fr-ofmin/case-handler.key
        "7ecf0dd3dba5ea43c7557977061515353fd844f3ff504dc0ac13f22dc6a6c8cd", // certs-dev/fr-ofmin/data-protection.key
        "d72386a0a42ebf60b12670ef00cace56157caf5bb4712340902221e17bf1416b", // certs-dev/fr-ofmin/duty-officer.key
        "de4da16bdda731238c1ebd0f95c63fb15f8ab6810d1c5a97dc28213bb2cef426", // certs-dev/fr-ofmin/log.key
        "81b9822afd9b452e386fc057c064847407c27e4d38675312122276e10c82ffaf", // certs-dev/fr-ofmin/node-client.key
        "5f691b2e3affeab9e14dc0b23aa5f25e4e7e314a94179781abe8c78e1c71139e", // certs-dev/fr-ofmin/node-signing.key
        "f9b2cee323e360d37416a7cd6cde0bff4475d40fc4a31c50d2a7614919e15b85", // certs-dev/fr-ofmin/node-tls.key
        "d34e2508912c2aefb8a21238669d5bd7b28526a09f287248ef3380af130f6e34", // certs-dev/fr-ofmin/officer.key
        "784d8e278684c0c50bc09e7fc0fa760a24cdd6ca64ab9666935ce8c66246e7fe", // certs-dev/fr-ofmin/operator.key
        "f50e76866b336085f9bb8d9ecce3d91977f742fc7b7fa9da5e3b66fa04c77e8e", // certs-dev/fr-ofmin/supervisor.key
        "6c1b48bda15298396a1ff09f953ba7946e16a05cbd52954a478dfa300acd0d22", // certs-dev/fr-ofmin/witness.key
        "c7cd36bb76135c1f8a201c6e8b905b983d4818aa525025b3e026205263291bfb", // certs-dev/kr-knpa/auditor.key
        "8cdfd3cf358bbdb77d146b914e9f211ef65e38827d672f9775340309d696fc53", // certs-dev/kr-knpa/ca.key
        "5de7e1167b38a9693a363381bf3e41cce82ca9a34f95b5075d04354f15e95cb5", // certs-dev/kr-knpa/case-handler.key
        "33e3a45c1c1e4382600313e915e4dd765d916f2ca888ac5e039f2727d1a3b23a", // certs-dev/kr-knpa/data-protection.key
        "27dae03a994657e4cf042fa6264ce1c6b9efd0db4b4f1bfe57bee59eb684c508", // certs-dev/kr-knpa/duty-officer.key
        "d7e9a0cdb6356884bf8b5799ac90c150a32bffdc711ac1d5df6b7721e53de57e", // certs-dev/kr-knpa/log.key
        "87f00be85df2c0dab717f7ce1e4f612c5a17ecb12350158e3c19fb977ec2f155", // certs-dev/kr-knpa/node-client.key
        "e9495b243bd00b44b7a9d19c3b0de66088d92ed1011b974317dc7716548957a8", // certs-dev/kr-knpa/node-signing.key
        "a54083b56640d33a6bfd6a7cbff10b85cf9f1c5ad353e88572e553fe0a99719f", // certs-dev/kr-knpa/node-tls.key
        "9e0995d59318caa28162d7f841517a57b14f99250ebe5f1288ce93fbe7bb2e88", // certs-dev/kr-knpa/officer.key
        "c20e31ef469f833347c71447b7258a3d593c77a7989cda776aeea0dc6cd177e2", // certs-dev/kr-knpa/operator.key
        "f28f7ffc8b66f37cbd79a7bb98620351dd80072c4311a308671ff94757f60abc", // certs-dev/kr-knpa/supervisor.key
        "58bea257e10f9f44e8162ac4bd234c2ecabccc0917d9e54e60a7b93293485ce2", // certs-dev/kr-knpa/witness.key
        "747081a3bc82c217f42726f5492e896cc88920d6b326c5a0c123a1fe782652cf", // certs-dev/nl-police/auditor.key
        "514271ec8908fed0cafcdee8d29c78c268b0ff3f6a06079e22e5414b8c5071a9", // certs-dev/nl-police/ca.key
        "7cbae83dbc7623072ae359d88fb2a78a098712890d4344bc98e429d2b99b7889", // certs-dev/nl-police/case-handler.key
        "22f8a3d5097e25a33c9d35454da9d324310d8c41200b0b976a6e07c90d7f6bf4", // certs-dev/nl-police/data-protection.key
        "a56a0abcfb8aaae8f74d4a14cfdd43980031e69bc0c2dcd73189da67c8fbebd7", // certs-dev/nl-police/duty-officer.key
        "b2e5fe9c866e09e538f5b2a25cf140e5dc5896b08b5aa47579425227c4e2da43", // certs-dev/nl-police/log.key
        "740b963640b172615505efbfdeb100cda384d290e12200ecc39a609f3501030d", // certs-dev/nl-police/node-client.key
        "7936a629a52b2ee53e1d578edd28890db547ece1cfa549541be5535ae0a6c3d7", // certs-dev/nl-police/node-signing.key
        "adef106b19c8758516df0bae985684b9a1fb1118a2da5dc42d9d180c97bc2f50", // certs-dev/nl-police/node-tls.key
        "94e0fc4ed203003423a013c3b7ee7004b7d5235795f04bb7caf34a8118757020", // certs-dev/nl-police/officer.key
        "c40ca1647a4cb70404138982403f70365ff9aaeb51ebaa9112334b3e0f8d42e7", // certs-dev/nl-police/operator.key
        "31f762f2d785ab4ac52e4377df504b79e7a9ab8049967093e0018e73a7e9118a", // certs-dev/nl-police/supervisor.key
        "0fef123b4104f745f4f9a4056cef033b5712821c4505b5411d7908c6f0aa38c8", // certs-dev/nl-police/witness.key
    }.ToFrozenSet(StringComparer.Ordinal);
}

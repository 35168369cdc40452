namespace Federation.Core.Envelopes;

/// <summary>Standard object identifiers of CMS (RFC 5652), its attributes and algorithms (RFC 5754, RFC 5758).</summary>
internal static class CmsOids
{
    public const string Data = "1.2.840.113549.1.7.1";
    public const string SignedData = "1.2.840.113549.1.7.2";

    public const string ContentTypeAttribute = "1.2.840.113549.1.9.3";
    public const string MessageDigestAttribute = "1.2.840.113549.1.9.4";
    public const string SigningTimeAttribute = "1.2.840.113549.1.9.5";

    public const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    public const string EcdsaWithSha384 = "1.2.840.10045.4.3.3";
    public const string EcdsaWithSha512 = "1.2.840.10045.4.3.4";
}

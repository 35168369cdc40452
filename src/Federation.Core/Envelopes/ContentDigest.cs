using System.Security.Cryptography;

namespace Federation.Core.Envelopes;

/// <summary>
/// The SHA-256 of signed content — a release's bytes, an attached envelope's eContent. It is the key for duplicate
/// and replay detection and for content-addressed storage, because the CMS blob around the content is malleable
/// (unsigned attributes and the certificate bag can change without breaking the signature). It is also
/// how a release names its predecessor. Text form: 64 lower-case hex digits.
/// </summary>
public readonly record struct ContentDigest
{
    public const int Length = 32;

    private readonly string? _hex;

    private ContentDigest(string hex) => _hex = hex;

    public string Hex => _hex ?? throw new InvalidOperationException("default(ContentDigest) names no content");

    public static ContentDigest Of(ReadOnlySpan<byte> content) => FromHash(SHA256.HashData(content));

    /// <summary>Reads <paramref name="content"/> to its end.</summary>
    public static async Task<ContentDigest> OfAsync(Stream content, CancellationToken ct = default) =>
        FromHash(await SHA256.HashDataAsync(content, ct).ConfigureAwait(false));

    /// <summary>Wraps a SHA-256 value computed elsewhere.</summary>
    public static ContentDigest FromHash(ReadOnlySpan<byte> sha256)
    {
        if (sha256.Length != Length) throw new ArgumentException($"a SHA-256 digest is {Length} bytes, not {sha256.Length}", nameof(sha256));
        return new ContentDigest(Convert.ToHexStringLower(sha256));
    }

    public static ContentDigest Parse(string hex)
    {
        if (hex.Length != 2 * Length || !hex.All(char.IsAsciiHexDigitLower))
            throw new FormatException($"'{(hex.Length > 80 ? hex[..77] + "..." : hex)}' is not a SHA-256 digest (64 lower-case hex digits)");
        return new ContentDigest(hex);
    }

    public byte[] ToArray() => Convert.FromHexString(Hex);

    public void CopyTo(Span<byte> destination) => Convert.FromHexString(Hex, destination, out _, out _);

    public override string ToString() => _hex ?? "";
}

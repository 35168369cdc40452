using System.Buffers;
using Federation.Core.Matching;
using Federation.Node.Hosting;

namespace Federation.Node.Matching;

/// <summary>
/// Hashes one uploaded file in memory — SHA-256, MD5 and, for an image, PDQ — and forgets it: the bytes are held
/// in a pooled buffer of at most <see cref="MatchingOptions.MaxFileBytes"/>, never written to disk or the database,
/// and zeroed before the buffer goes back to the pool, so no copy of the media outlives the request.
/// </summary>
public sealed class UploadHasher(MatchingOptions options)
{
    private const int FirstBuffer = 256 * 1024;

    private readonly PdqHasher _pdq = new(options.MaxPixels);

    /// <summary>
    /// Reads <paramref name="content"/> to its end and hashes it. A file is hashed with PDQ when it is declared an
    /// image (<paramref name="contentType"/> <c>image/*</c>) or its first bytes are an image format's signature; it
    /// must then decode, or the whole request is refused — a PDQ search that silently did not happen would read
    /// as "no match". Other files get exact hashes only.
    /// </summary>
    /// <exception cref="Refusal">413 <c>file-too-large</c>; 422 <c>image-*</c> when an image cannot be hashed.</exception>
    public async Task<MatchInput> HashAsync(Stream content, string? name, string? contentType, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FirstBuffer);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > options.MaxFileBytes) throw TooLarge(name);
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, options.MaxFileBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                    buffer = bigger;
                }
                var read = await content.ReadAsync(buffer.AsMemory(length), ct);
                if (read == 0) break;
                length += read;
                if (length > options.MaxFileBytes) throw TooLarge(name);
            }
            var bytes = buffer.AsSpan(0, length);
            var digests = MediaHasher.Hash(bytes);
            if (!IsImage(contentType, bytes))
                return new MatchInput(name, length, digests.Sha256, digests.Md5, null, "not an image: matched by SHA-256 and MD5 only");
            PdqResult pdq;
            try
            {
                pdq = _pdq.Hash(new MemoryStream(buffer, 0, length, writable: false));
            }
            catch (ImageRejectedException e)
            {
                throw new Refusal(StatusCodes.Status422UnprocessableEntity, Reason(e.Reason), $"{Describe(name)}: {e.Message}");
            }
            return new MatchInput(name, length, digests.Sha256, digests.Md5, pdq,
                pdq.IsMatchable ? null : $"PDQ quality {pdq.Quality} is below {PdqResult.MinimumQuality}: too flat or small to match perceptually, matched by SHA-256 and MD5 only");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    public static string Reason(ImageRejection rejection) => rejection switch
    {
        ImageRejection.NotAnImage => "image-not-decodable",
        ImageRejection.Truncated => "image-truncated",
        ImageRejection.Corrupt => "image-corrupt",
        ImageRejection.TooManyPixels => "image-too-many-pixels",
        _ => "image-refused",
    };

    private Refusal TooLarge(string? name) =>
        new(StatusCodes.Status413PayloadTooLarge, "file-too-large", $"{Describe(name)} is larger than {options.MaxFileBytes} bytes");

    private static string Describe(string? name) => name is null ? "the file" : $"file '{name}'";

    // The signatures of JPEG, PNG, GIF and WebP (not BMP's two letters, which plain text can start with), so that an image sent as
    // application/octet-stream is still hashed with PDQ.
    private static bool IsImage(string? contentType, ReadOnlySpan<byte> bytes) =>
        contentType?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) == true
        || bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])
        || bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])
        || bytes.StartsWith("GIF8"u8)
        || (bytes.StartsWith("RIFF"u8) && bytes.Length >= 12 && bytes[8..12].SequenceEqual("WEBP"u8));
}

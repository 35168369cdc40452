using SkiaSharp;

namespace Federation.Core.Matching;

/// <summary>
/// Decodes an encoded image with SkiaSharp into the float luma plane PDQ hashes. Pixels are read as 8-bit RGBA
/// with <em>unpremultiplied</em> alpha and the alpha is then dropped; premultiplying would darken translucent
/// pixels and move the hash (py-tx <c>LA.png</c> is 14 bits off that way).
/// </summary>
internal static class LumaDecoder
{
    // SkCodec reads this many bytes to recognise a format. With fewer it answers "incomplete input" whether or not
    // the bytes begin an image, so a shorter input is simply not an image as far as we are concerned.
    private const int SniffLength = 32;

    private const float RedWeight = 0.299f, GreenWeight = 0.587f, BlueWeight = 0.114f;

    /// <summary>Row-major luma of the first frame, as the reference computes it from R, G and B.</summary>
    /// <exception cref="ImageRejectedException">The input is not a decodable image within <paramref name="maxPixels"/>.</exception>
    public static float[] Decode(Stream stream, long maxPixels, out int rows, out int cols)
    {
        if (!stream.CanSeek)
            throw new ArgumentException("The image stream must be seekable; buffer it first (a MemoryStream will do).", nameof(stream));
        var available = stream.Length - stream.Position;

        using var codec = SKCodec.Create(stream, out var opened) ?? throw OpenFailure(opened, available);
        cols = codec.Info.Width;
        rows = codec.Info.Height;
        if (cols <= 0 || rows <= 0)
            throw new ImageRejectedException(ImageRejection.Corrupt, $"The {codec.EncodedFormat} header declares an empty image ({cols}×{rows}).");
        // Checked on the header alone, before a single pixel buffer exists: this is what stops a small file that
        // declares 50,000 × 50,000 pixels from taking 10 GB.
        var pixelCount = (long)rows * cols;
        if (pixelCount > maxPixels)
            throw new ImageRejectedException(ImageRejection.TooManyPixels,
                $"The {codec.EncodedFormat} header declares {cols}×{rows} = {pixelCount:N0} pixels, more than the limit of {maxPixels:N0}.");

        // Only the geometry of the target is fixed here; with no colour space on it, Skia converts no colours,
        // and it never applies the EXIF orientation (policy: orientation is ignored, as by every PDQ reference).
        var target = new SKImageInfo(cols, rows, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = GC.AllocateUninitializedArray<byte>(checked((int)(pixelCount * 4)));
        var decoded = codec.GetPixels(target, rgba);
        if (decoded != SKCodecResult.Success)
            throw decoded == SKCodecResult.IncompleteInput
                ? new ImageRejectedException(ImageRejection.Truncated, $"The {codec.EncodedFormat} data ends before the image does.")
                : new ImageRejectedException(ImageRejection.Corrupt, $"The {codec.EncodedFormat} data could not be decoded ({decoded}).");

        var luma = GC.AllocateUninitializedArray<float>((int)pixelCount);
        for (var i = 0; i < luma.Length; i++)
            luma[i] = RedWeight * rgba[4 * i] + GreenWeight * rgba[4 * i + 1] + BlueWeight * rgba[4 * i + 2];
        return luma;
    }

    private static ImageRejectedException OpenFailure(SKCodecResult result, long available) => result switch
    {
        SKCodecResult.Unimplemented => new(ImageRejection.NotAnImage, "The data is not in an image format that can be decoded."),
        SKCodecResult.IncompleteInput when available < SniffLength =>
            new(ImageRejection.NotAnImage, $"The data ({available} bytes) is too short to be an image."),
        SKCodecResult.IncompleteInput => new(ImageRejection.Truncated, "The image data ends inside its header."),
        _ => new(ImageRejection.Corrupt, $"The image header is invalid ({result})."),
    };
}

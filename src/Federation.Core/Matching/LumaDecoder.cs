using System.Numerics;
using System.Runtime.InteropServices;
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

    /// <summary>Row-major luma of the first frame, as the reference computes it from R, G and B. The caller disposes it.</summary>
    /// <exception cref="ImageRejectedException">The input is not a decodable image within <paramref name="maxPixels"/>.</exception>
    public static PooledBuffer<float> Decode(Stream stream, long maxPixels, out int rows, out int cols)
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
        using var rgba = new PooledBuffer<byte>(checked((int)(pixelCount * 4)));
        var decoded = Decode(codec, target, rgba.Span);
        if (decoded != SKCodecResult.Success)
            throw decoded == SKCodecResult.IncompleteInput
                ? new ImageRejectedException(ImageRejection.Truncated, $"The {codec.EncodedFormat} data ends before the image does.")
                : new ImageRejectedException(ImageRejection.Corrupt, $"The {codec.EncodedFormat} data could not be decoded ({decoded}).");

        var luma = new PooledBuffer<float>((int)pixelCount);
        ToLuma(rgba.Span, luma.Span);
        return luma;
    }

    private static unsafe SKCodecResult Decode(SKCodec codec, SKImageInfo target, Span<byte> pixels)
    {
        fixed (byte* destination = pixels)
            return codec.GetPixels(target, (IntPtr)destination);
    }

    /// <summary>Y = 0.299 R + 0.587 G + 0.114 B in float, summed left to right, as the reference does.</summary>
    internal static void ToLuma(ReadOnlySpan<byte> rgba, Span<float> luma)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            // A pixel read as a little-endian uint holds R in its low byte. Lane by lane these are the same
            // float multiplies and adds as the scalar loop below (no fused multiply-add), so the same results.
            var pixels = MemoryMarshal.Cast<byte, uint>(rgba);
            var lowByte = new Vector<uint>(0xFF);
            for (; i <= luma.Length - Vector<uint>.Count; i += Vector<uint>.Count)
            {
                var p = new Vector<uint>(pixels[i..]);
                var r = Vector.ConvertToSingle(Vector.AsVectorInt32(p & lowByte));
                var g = Vector.ConvertToSingle(Vector.AsVectorInt32(Vector.ShiftRightLogical(p, 8) & lowByte));
                var b = Vector.ConvertToSingle(Vector.AsVectorInt32(Vector.ShiftRightLogical(p, 16) & lowByte));
                (RedWeight * r + GreenWeight * g + BlueWeight * b).CopyTo(luma[i..]);
            }
        }
        for (; i < luma.Length; i++)
            luma[i] = RedWeight * rgba[4 * i] + GreenWeight * rgba[4 * i + 1] + BlueWeight * rgba[4 * i + 2];
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

using System.Numerics;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace Federation.Core.Matching;

/// <summary>
/// An encoded image decoded by SkiaSharp into float luma, handed out a few rows at a time, top to bottom.
/// Pixels are read as 8-bit RGBA with <em>unpremultiplied</em> alpha and the alpha is dropped; premultiplying
/// would darken translucent pixels and move the hash (py-tx <c>LA.png</c> is 14 bits off that way).
/// </summary>
/// <remarks>
/// Where the codec can decode scanline by scanline (JPEG, the usual photo format), only a band of rows is ever
/// in memory, so hashing a 50-megapixel JPEG takes a few megabytes. Other formats (PNG, WebP, GIF in this
/// SkiaSharp build) are decoded whole into one RGBA buffer first: 4 bytes per pixel.
/// </remarks>
internal sealed class LumaRows : IDisposable
{
    // SkCodec reads this many bytes to recognise a format. With fewer it answers "incomplete input" whether or not
    // the bytes begin an image, so a shorter input is simply not an image as far as we are concerned.
    private const int SniffLength = 32;

    private const float RedWeight = 0.299f, GreenWeight = 0.587f, BlueWeight = 0.114f;

    private readonly SKCodec _codec;
    private readonly SKImageInfo _target;
    private readonly bool _scanlines;
    private readonly PooledBuffer<byte> _rgba; // a band of rows, or the whole image
    private int _next;

    private LumaRows(SKCodec codec, SKImageInfo target, bool scanlines, PooledBuffer<byte> rgba)
    {
        _codec = codec;
        _target = target;
        _scanlines = scanlines;
        _rgba = rgba;
    }

    public int Rows => _target.Height;
    public int Cols => _target.Width;

    /// <summary>Opens the first frame of the image, refusing it on its header alone where it can.</summary>
    /// <exception cref="ImageRejectedException">Not an image, truncated, corrupt, or over <paramref name="maxPixels"/>.</exception>
    public static LumaRows Open(Stream stream, long maxPixels, int bandRows)
    {
        if (!stream.CanSeek)
            throw new ArgumentException("The image stream must be seekable; buffer it first (a MemoryStream will do).", nameof(stream));
        var available = stream.Length - stream.Position;

        var codec = SKCodec.Create(stream, out var opened) ?? throw OpenFailure(opened, available);
        try
        {
            var (cols, rows) = (codec.Info.Width, codec.Info.Height);
            if (cols <= 0 || rows <= 0)
                throw new ImageRejectedException(ImageRejection.Corrupt, $"The {codec.EncodedFormat} header declares an empty image ({cols}×{rows}).");
            // Checked on the header alone, before a single pixel buffer exists: this is what stops a small file
            // that declares 50,000 × 50,000 pixels from taking 10 GB.
            var pixelCount = (long)rows * cols;
            if (pixelCount > maxPixels)
                throw new ImageRejectedException(ImageRejection.TooManyPixels,
                    $"The {codec.EncodedFormat} header declares {cols}×{rows} = {pixelCount:N0} pixels, more than the limit of {maxPixels:N0}.");

            // Only the geometry of the target is fixed here; with no colour space on it Skia converts no colours,
            // and it never applies the EXIF orientation (policy: orientation is ignored, as by every PDQ reference).
            var target = new SKImageInfo(cols, rows, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            if (codec.StartScanlineDecode(target) == SKCodecResult.Success && codec.ScanlineOrder == SKCodecScanlineOrder.TopDown)
                return new LumaRows(codec, target, scanlines: true, new PooledBuffer<byte>(checked(bandRows * cols * 4)));

            var whole = new PooledBuffer<byte>(checked((int)(pixelCount * 4)));
            var decoded = Decode(codec, target, whole.Span);
            if (decoded != SKCodecResult.Success)
            {
                whole.Dispose();
                throw Damaged(codec.EncodedFormat, decoded == SKCodecResult.IncompleteInput, decoded);
            }
            return new LumaRows(codec, target, scanlines: false, whole);
        }
        catch
        {
            codec.Dispose();
            throw;
        }
    }

    /// <summary>Fills <paramref name="luma"/> with the next <paramref name="count"/> rows.</summary>
    /// <exception cref="ImageRejectedException">The data ends before these rows do.</exception>
    public void Read(Span<float> luma, int count)
    {
        var bytes = count * Cols * 4;
        Span<byte> rgba;
        if (_scanlines)
        {
            rgba = _rgba.Span[..bytes];
            if (ReadScanlines(rgba, count) < count)
                throw Damaged(_codec.EncodedFormat, truncated: true, SKCodecResult.IncompleteInput);
        }
        else
        {
            rgba = _rgba.Span.Slice(_next * Cols * 4, bytes);
        }
        _next += count;
        ToLuma(rgba, luma[..(count * Cols)]);
    }

    public void Dispose()
    {
        _rgba.Dispose();
        _codec.Dispose();
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

    private unsafe int ReadScanlines(Span<byte> rgba, int count)
    {
        fixed (byte* destination = rgba)
            return _codec.GetScanlines((IntPtr)destination, count, _target.RowBytes);
    }

    private static unsafe SKCodecResult Decode(SKCodec codec, SKImageInfo target, Span<byte> pixels)
    {
        fixed (byte* destination = pixels)
            return codec.GetPixels(target, (IntPtr)destination);
    }

    private static ImageRejectedException Damaged(SKEncodedImageFormat format, bool truncated, SKCodecResult result) => truncated
        ? new(ImageRejection.Truncated, $"The {format} data ends before the image does.")
        : new(ImageRejection.Corrupt, $"The {format} data could not be decoded ({result}).");

    private static ImageRejectedException OpenFailure(SKCodecResult result, long available) => result switch
    {
        SKCodecResult.Unimplemented => new(ImageRejection.NotAnImage, "The data is not in an image format that can be decoded."),
        SKCodecResult.IncompleteInput when available < SniffLength =>
            new(ImageRejection.NotAnImage, $"The data ({available} bytes) is too short to be an image."),
        SKCodecResult.IncompleteInput => new(ImageRejection.Truncated, "The image data ends inside its header."),
        _ => new(ImageRejection.Corrupt, $"The image header is invalid ({result})."),
    };
}

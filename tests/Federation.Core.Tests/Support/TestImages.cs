using SkiaSharp;

namespace Federation.Core.Tests.Support;

/// <summary>Small images made on the spot, for cases the vector files do not cover.</summary>
public static class TestImages
{
    /// <summary>A deterministic, asymmetric colour pattern, with alpha from <paramref name="alpha"/>.</summary>
    public static byte[] Png(int width, int height, Func<int, int, byte>? alpha = null) =>
        Encode(Pattern(width, height, alpha ?? ((_, _) => 255)), SKEncodedImageFormat.Png, 100);

    public static byte[] Jpeg(int width, int height) => Encode(Pattern(width, height, (_, _) => 255), SKEncodedImageFormat.Jpeg, 90);

    /// <summary>The same pattern in 8-bit grey, encoded as such (a Gray8 PNG).</summary>
    public static byte[] GreyPng(int width, int height, out byte[] asColourPng)
    {
        using var grey = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        using var colour = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var v = (byte)((x * 7 + y * y / 3 + (x * y) % 29) & 0xFF);
                grey.SetPixel(x, y, new SKColor(v, v, v));
                colour.SetPixel(x, y, new SKColor(v, v, v));
            }
        asColourPng = Encode(colour, SKEncodedImageFormat.Png, 100);
        return Encode(grey, SKEncodedImageFormat.Png, 100);
    }

    /// <summary>
    /// The JPEG with an EXIF APP1 segment inserted after SOI that holds only an Orientation tag
    /// (TIFF tag 0x0112, SHORT) of the given value. The compressed image data is untouched.
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,          // big-endian TIFF header, IFD at offset 8
            0, 1,                                              // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1,                      // Orientation, SHORT, count 1
            (byte)(orientation >> 8), (byte)orientation, 0, 0, // value, padded to 4 bytes
            0, 0, 0, 0,                                        // no next IFD
        ];
        byte[] exifHeader = [(byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0];
        var length = 2 + exifHeader.Length + tiff.Length;
        byte[] app1 = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. exifHeader, .. tiff];
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    /// <summary>A PNG whose IHDR declares the given size (with a valid CRC), followed by nothing that could hold it.</summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        var png = Png(16, 16);
        WriteBigEndian(png, 16, width);  // IHDR data starts at 16: width, height, ...
        WriteBigEndian(png, 20, height);
        WriteBigEndian(png, 29, (int)Crc32(png.AsSpan(12, 17))); // CRC over "IHDR" + 13 data bytes
        return png;
    }

    /// <summary>The JPEG with its baseline frame header (SOF0) changed to declare the given size.</summary>
    public static byte[] JpegDeclaring(byte[] jpeg, ushort width, ushort height)
    {
        var copy = jpeg.ToArray();
        var sof = copy.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        if (sof < 0) throw new ArgumentException("no SOF0 marker in the JPEG");
        // FFC0, length(2), precision(1), height(2), width(2)
        copy[sof + 5] = (byte)(height >> 8);
        copy[sof + 6] = (byte)height;
        copy[sof + 7] = (byte)(width >> 8);
        copy[sof + 8] = (byte)width;
        return copy;
    }

    private static SKBitmap Pattern(int width, int height, Func<int, int, byte> alpha)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 5 + y), (byte)(y * 3 ^ x), (byte)((x * y) / 7), alpha(x, y)));
        return bitmap;
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using (bitmap)
        using (var data = bitmap.Encode(format, quality))
            return data.ToArray();
    }

    private static void WriteBigEndian(byte[] bytes, int offset, int value)
    {
        bytes[offset] = (byte)(value >> 24);
        bytes[offset + 1] = (byte)(value >> 16);
        bytes[offset + 2] = (byte)(value >> 8);
        bytes[offset + 3] = (byte)value;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}

using Federation.Core.Matching;
using SkiaSharp;

namespace Federation.Benchmarks.Matching;

/// <summary>PDQ of a 1-megapixel image, decode included, on one thread.</summary>
internal static class PdqHashingBenchmark
{
    public static void Run(int iterations)
    {
        var hasher = new PdqHasher();
        foreach (var (name, format, quality) in new[] { ("JPEG q90", SKEncodedImageFormat.Jpeg, 90), ("PNG", SKEncodedImageFormat.Png, 100) })
        {
            var encoded = SyntheticPhoto(1000, 1000, format, quality);
            for (var i = 0; i < 20; i++) hasher.Hash(encoded); // warm-up: JIT tiers and native decoder state
            var hashing = Timings.Of(iterations, () => hasher.Hash(encoded));
            var decoding = Timings.Of(iterations, DecodeOnly(encoded));
            Console.WriteLine($"PDQ of 1000x1000 {name} ({encoded.Length / 1024} KiB), decode included: {hashing.Summary()}");
            Console.WriteLine($"  of which SkiaSharp decoding to RGBA alone: {decoding.Summary()}");
        }
    }

    private static Action DecodeOnly(byte[] encoded)
    {
        var pixels = new byte[1000 * 1000 * 4];
        return () =>
        {
            using var codec = SKCodec.Create(new MemoryStream(encoded));
            codec.GetPixels(new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), pixels);
        };
    }

    // Smooth shapes plus mild noise, so the encoder and decoder work about as hard as on a photo.
    private static byte[] SyntheticPhoto(int width, int height, SKEncodedImageFormat format, int quality)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var random = new Random(42);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var r = 128 + 100 * Math.Sin(x / 37.0) * Math.Cos(y / 53.0) + random.Next(-12, 12);
                var g = 128 + 90 * Math.Sin((x + y) / 71.0) + random.Next(-12, 12);
                var b = 128 + 80 * Math.Cos(x * y / 9000.0) + random.Next(-12, 12);
                bitmap.SetPixel(x, y, new SKColor(Clamp(r), Clamp(g), Clamp(b)));
            }
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    private static byte Clamp(double value) => (byte)Math.Clamp(value, 0, 255);
}

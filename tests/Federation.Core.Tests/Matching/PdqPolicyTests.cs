using Federation.Core.Matching;
using Federation.Core.Tests.Support;
using SkiaSharp;

namespace Federation.Core.Tests.Matching;

/// <summary>The decoding choices that move a PDQ hash, pinned as docs/pdq.md states them.</summary>
public class PdqPolicyTests
{
    private static readonly PdqHasher Hasher = new();

    [Fact]
    public void Ignores_the_exif_orientation_and_hashes_the_stored_pixels()
    {
        var jpeg = TestImages.Jpeg(120, 80);
        var rotated = TestImages.WithExifOrientation(jpeg, 6);
        using (var codec = SKCodec.Create(new MemoryStream(rotated)))
            Assert.Equal(SKEncodedOrigin.RightTop, codec.EncodedOrigin); // the tag is real and read

        Assert.Equal(Hasher.Hash(jpeg), Hasher.Hash(rotated));
    }

    [Fact]
    public void Gives_the_four_exif_rotated_reference_photos_four_unrelated_hashes()
    {
        // As py-tx, HMA and the reference do: were orientation applied, these would be one picture.
        var hashes = new[] { 1, 3, 6, 8 }
            .Select(n => Hash($"upstream/pdq/data/reg-test-input/exif-rotn/exif-rotn-{n}.jpg").Hash).ToArray();

        foreach (var a in hashes)
            foreach (var b in hashes.Where(b => b != a))
                Assert.True(a.DistanceTo(b) > 100, $"{a} and {b} are only {a.DistanceTo(b)} bits apart");
    }

    [Fact]
    public void Ignores_alpha_rather_than_premultiplying_it()
    {
        var opaque = TestImages.Png(96, 64);
        var translucent = TestImages.Png(96, 64, alpha: (x, y) => (byte)(x * 2 + y));

        var hash = Hasher.Hash(translucent);

        Assert.Equal(Hasher.Hash(opaque), hash);
        Assert.NotEqual(hash, PremultipliedHash(translucent)); // so this test would see a premultiplying decoder
    }

    [Fact]
    public void Hashes_the_reference_images_with_alpha_like_their_opaque_original()
    {
        var original = Hash("upstream/pdq/data/misc-images/modes/original.jpg");

        Assert.Equal(original, Hash("upstream/pdq/data/misc-images/modes/RGBA.png"));
        Assert.Equal(original, Hash("upstream/pdq/data/misc-images/modes/LA.png"));
    }

    [Fact]
    public void Hashes_a_grey_image_like_the_same_pixels_in_colour()
    {
        var grey = TestImages.GreyPng(90, 70, out var colour);
        using (var codec = SKCodec.Create(new MemoryStream(grey)))
            Assert.Equal(SKColorType.Gray8, codec.Info.ColorType);

        Assert.Equal(Hasher.Hash(colour), Hasher.Hash(grey));
    }

    [Fact]
    public void Scales_16_bit_samples_to_8_bits_instead_of_clamping_them_as_pil_does()
    {
        var result = Hash("upstream/python-threatexchange/threatexchange/tests/hashing/resources/I16.png");

        Assert.Equal("628dbaa85045ffef9b101e3214f156c24b1dbefba74d25a5c90d046c6b54e536", result.Hash.ToString());
        Assert.Equal(100, result.Quality);
        Assert.Equal(118, result.Hash.DistanceTo(PdqHash.Parse("de2ef0e99ecdfc1d248a0eb055f023d1d61e79c3920cbb55d561c02accab1763")));
    }

    [Theory]
    [InlineData(4, 4)]
    [InlineData(4, 300)]
    [InlineData(300, 4)]
    [InlineData(1, 1)]
    public void Hashes_an_image_under_5_pixels_on_a_side_to_zero_with_quality_0(int width, int height)
    {
        var result = Hasher.Hash(TestImages.Png(width, height));

        Assert.Equal(new PdqResult(PdqHash.Zero, 0), result);
        Assert.False(result.IsMatchable);
    }

    [Fact]
    public void Hashes_an_image_of_exactly_5_pixels_on_a_side()
    {
        var result = Hasher.Hash(TestImages.Png(5, 300));

        Assert.NotEqual(PdqHash.Zero, result.Hash);
    }

    private static PdqResult Hash(string vector)
    {
        using var stream = File.OpenRead(Vectors.Path(vector));
        return Hasher.Hash(stream);
    }

    private static PdqResult PremultipliedHash(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png, new SKImageInfo(96, 64, SKColorType.Rgba8888, SKAlphaType.Premul));
        var luma = new float[96 * 64];
        LumaRows.ToLuma(bitmap.GetPixelSpan(), luma);
        return PdqHasher.HashLuma(luma, 64, 96);
    }
}

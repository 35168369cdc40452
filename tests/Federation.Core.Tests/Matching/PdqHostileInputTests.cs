using Federation.Core.Matching;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Matching;

/// <summary>Inputs an adversary or a damaged disk hands the hasher: each refused, for its own reason, cheaply.</summary>
public class PdqHostileInputTests
{
    private static readonly PdqHasher Hasher = new();
    private static readonly byte[] Jpeg = File.ReadAllBytes(Vectors.Path("upstream/pdq/data/bridge-mods/aaa-orig.jpg"));
    private static readonly byte[] Png = File.ReadAllBytes(Vectors.Path("upstream/pdq/data/reg-test-input/pen-and-coaster.png"));

    [Theory]
    [InlineData("Just some text, long enough to be sniffed by every decoder there is.")]
    [InlineData("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj << /Type /Catalog >> endobj")]
    [InlineData("short")]
    [InlineData("")]
    public void Refuses_bytes_that_are_not_an_image(string content)
    {
        var error = Refusal(System.Text.Encoding.UTF8.GetBytes(content));

        Assert.Equal(ImageRejection.NotAnImage, error.Reason);
    }

    [Fact]
    public void Refuses_a_jpeg_cut_in_half_as_truncated()
    {
        Assert.Equal(ImageRejection.Truncated, Refusal(Jpeg[..(Jpeg.Length / 2)]).Reason);
    }

    [Fact]
    public void Refuses_a_png_cut_in_half_as_truncated()
    {
        Assert.Equal(ImageRejection.Truncated, Refusal(Png[..(Png.Length / 2)]).Reason);
    }

    [Fact]
    public void Refuses_a_jpeg_cut_inside_its_header_as_truncated()
    {
        Assert.Equal(ImageRejection.Truncated, Refusal(Jpeg[..200]).Reason);
    }

    [Fact]
    public void Refuses_a_png_with_damaged_image_data_as_corrupt()
    {
        var damaged = Png.ToArray();
        damaged[Png.Length / 2] ^= 0x10;

        var error = Refusal(damaged);

        Assert.Equal(ImageRejection.Corrupt, error.Reason);
        Assert.Contains("Png", error.Message);
    }

    [Fact]
    public void Refuses_a_small_png_declaring_50000_by_50000_pixels_before_allocating_them()
    {
        var bomb = TestImages.PngDeclaring(50_000, 50_000);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var error = Refusal(bomb);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Equal(ImageRejection.TooManyPixels, error.Reason);
        Assert.Contains("50000×50000 = 2,500,000,000 pixels", error.Message);
        Assert.True(bomb.Length < 1000);
        Assert.True(allocated < 1_000_000, $"allocated {allocated:N0} bytes to refuse it");
    }

    [Fact]
    public void Refuses_a_jpeg_declaring_65000_by_65000_pixels()
    {
        var error = Refusal(TestImages.JpegDeclaring(Jpeg, 65_000, 65_000));

        Assert.Equal(ImageRejection.TooManyPixels, error.Reason);
    }

    [Fact]
    public void Hashes_a_12_megapixel_jpeg_in_a_few_megabytes()
    {
        // A JPEG streams through the filter scanline by scanline; a full-size float plane alone would be 48 MB.
        var photo = File.ReadAllBytes(Vectors.Path("upstream/pdq/data/reg-test-input/exif-rotn/exif-rotn-1.jpg"));
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var result = Hasher.Hash(photo);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Equal(100, result.Quality);
        Assert.True(allocated < 8_000_000, $"allocated {allocated:N0} bytes for a 4032x3024 JPEG");
    }

    [Fact]
    public void The_pixel_limit_is_configurable_and_inclusive()
    {
        var image = File.ReadAllBytes(Vectors.Path("synthetic/s03-64x64-gray-gradient.png"));

        Assert.Equal(100, new PdqHasher(maxPixels: 64 * 64).Hash(image).Quality);
        var error = Assert.Throws<ImageRejectedException>(() => new PdqHasher(maxPixels: 64 * 64 - 1).Hash(image));
        Assert.Equal(ImageRejection.TooManyPixels, error.Reason);
        Assert.Contains("limit of 4,095", error.Message);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(int.MaxValue / 4 + 1L)]
    public void Refuses_a_pixel_limit_it_could_not_honour(long maxPixels)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PdqHasher(maxPixels));
    }

    [Fact]
    public void Asks_for_a_seekable_stream()
    {
        var error = Assert.Throws<ArgumentException>(() => Hasher.Hash(new ForwardOnlyStream(Png)));

        Assert.Contains("seekable", error.Message);
    }

    private static ImageRejectedException Refusal(byte[] bytes) => Assert.Throws<ImageRejectedException>(() => Hasher.Hash(bytes));

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

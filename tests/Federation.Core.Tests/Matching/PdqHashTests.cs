using Federation.Core.Matching;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Matching;

public class PdqHashTests
{
    private const string Bridge1 = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    [Fact]
    public void Formats_what_it_parses_in_lower_case()
    {
        Assert.Equal(Bridge1, PdqHash.Parse(Bridge1).ToString());
        Assert.Equal(Bridge1, PdqHash.Parse(Bridge1.ToUpperInvariant()).ToString());
    }

    [Fact]
    public void Bit_k_is_worth_two_to_the_k_with_the_most_significant_digit_first()
    {
        // Bit 16i + j is DCT coefficient (row i, column j): the last hex digit holds row 0, columns 3..0.
        var lowest = PdqHash.Parse(new string('0', 63) + "1");
        var highest = PdqHash.Parse("8" + new string('0', 63));
        var bit64 = PdqHash.Parse(new string('0', 47) + "1" + new string('0', 16));

        Assert.True(lowest[0]);
        Assert.True(highest[255]);
        Assert.True(bit64[64]);
        Assert.Equal([1, 1, 1], new[] { lowest.BitCount, highest.BitCount, bit64.BitCount });
        Assert.Equal(PdqHash.Zero.FlipBit(0), lowest);
        Assert.Equal(PdqHash.Zero.FlipBit(255), highest);
    }

    [Theory]
    [InlineData("")]
    [InlineData("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b2")] // 63 digits
    [InlineData("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b220")] // 65 digits
    [InlineData("g8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")]
    [InlineData(" 8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")]
    [InlineData("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b2 ")]
    [InlineData("+8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")]
    public void Refuses_anything_but_64_hex_digits(string text)
    {
        Assert.False(PdqHash.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => PdqHash.Parse(text));
        Assert.Contains("64 hex digits", error.Message);
    }

    [Fact]
    public void Refuses_null()
    {
        Assert.False(PdqHash.TryParse((string?)null, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(30)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(256)]
    public void Distance_counts_the_differing_bits(int distance)
    {
        var random = new Random(distance);
        var hash = Some.PdqHash(random);

        Assert.Equal(distance, hash.DistanceTo(Some.PdqHashAt(hash, distance, random)));
        Assert.Equal(distance, Some.PdqHashAt(hash, distance, random).DistanceTo(hash));
    }

    [Fact]
    public void Reproduces_the_distances_the_reference_tests_assert_between_the_bridge_photos()
    {
        // Java PDQHasherTest: bridge-1 vs its 90° rotation 120 bits, vs the unrelated pen-and-coaster 138.
        var hashes = Vectors.Rows("expected.tsv").ToDictionary(row => row[0], row => PdqHash.Parse(row[1]));
        var bridge1 = hashes["upstream/pdq/data/reg-test-input/dih/bridge-1-original.jpg"];

        Assert.Equal(Bridge1, bridge1.ToString());
        Assert.Equal(120, bridge1.DistanceTo(hashes["upstream/pdq/data/reg-test-input/dih/bridge-2-rotate-90.jpg"]));
        Assert.Equal(138, bridge1.DistanceTo(hashes["upstream/pdq/data/reg-test-input/pen-and-coaster.png"]));
    }
}

using System.Security.Cryptography;
using Federation.Core.Matching;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Matching;

public class DigestTests
{
    public static TheoryData<string, long, string, string> ChecksumRows()
    {
        var data = new TheoryData<string, long, string, string>();
        foreach (var row in Vectors.Rows("checksums.tsv").Where(row => File.Exists(Vectors.Path(row[0]))))
            data.Add(row[0], long.Parse(row[1]), row[2], row[3]);
        return data;
    }

    [Theory]
    [MemberData(nameof(ChecksumRows))]
    public void Streams_the_sha256_and_md5_of_each_vector_file_as_recorded(string file, long length, string md5, string sha256)
    {
        using var stream = new TrickleStream(File.ReadAllBytes(Vectors.Path(file)));

        var digests = MediaHasher.Hash(stream);

        Assert.Equal((sha256, md5, length), (digests.Sha256.ToString(), digests.Md5.ToString(), digests.Length));
    }

    [Fact]
    public async Task Hashes_the_same_asynchronously_and_from_a_span()
    {
        var bytes = File.ReadAllBytes(Vectors.Path("upstream/pdq/data/bridge-mods/aaa-orig.jpg"));

        var streamed = await MediaHasher.HashAsync(new TrickleStream(bytes));

        Assert.Equal(MediaHasher.Hash(bytes), streamed);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), streamed.Sha256.ToString());
    }

    [Fact]
    public void Hashes_an_empty_stream_to_the_well_known_empty_digests()
    {
        var digests = MediaHasher.Hash(Stream.Null);

        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", digests.Sha256.ToString());
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", digests.Md5.ToString());
        Assert.Equal(0, digests.Length);
    }

    [Fact]
    public void Digests_parse_either_case_and_format_lower_case()
    {
        const string sha256 = "68ecc6aafbd2a205a1077f86127030898f03091b7dae9d9017325a8702d8668f";
        const string md5 = "bc618a664b6465e8ea9c505a66df4537";

        Assert.Equal(sha256, Sha256Hash.Parse(sha256.ToUpperInvariant()).ToString());
        Assert.Equal(md5, Md5Hash.Parse(md5.ToUpperInvariant()).ToString());
    }

    [Theory]
    [InlineData("bc618a664b6465e8ea9c505a66df453")]
    [InlineData("bc618a664b6465e8ea9c505a66df45377")]
    [InlineData("bc618a664b6465e8ea9c505a66df453z")]
    [InlineData(" bc618a664b6465e8ea9c505a66df453")]
    public void Refuses_an_md5_that_is_not_32_hex_digits(string text)
    {
        var error = Assert.Throws<FormatException>(() => Md5Hash.Parse(text));
        Assert.Contains("32 hex digits", error.Message);
    }

    [Fact]
    public void Refuses_a_sha256_that_is_an_md5()
    {
        var error = Assert.Throws<FormatException>(() => Sha256Hash.Parse("bc618a664b6465e8ea9c505a66df4537"));
        Assert.Contains("64 hex digits", error.Message);
    }

    /// <summary>Returns at most a few bytes per read, as a network stream may, to prove the digests really stream.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        private int _reads;

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1 + _reads++ % 7));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1 + _reads++ % 7)], cancellationToken);
    }
}

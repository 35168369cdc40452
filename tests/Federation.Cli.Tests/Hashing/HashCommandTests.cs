using System.Text.Json;
using Federation.Cli.Hashing;

namespace Federation.Cli.Tests.Hashing;

public sealed class HashCommandTests : IDisposable
{
    // Expected values from the PDQ vectors (tests/Federation.Core.Tests/Vectors/pdq): expected.tsv (PDQ) and checksums.tsv (SHA-256, MD5).
    private const string GreySha256 = "515217d4d3689c32cf6389f9ad63f59c96bd64483f65aa371a3e994db07bd11a";
    private const string GreyMd5 = "42f1a74c30b333114542f81893838308";
    private const string GreyPdq = "95556aad5555aad5d2ab2d6a5a5aa4925b36b66648ccb39c4e38f0f00fe1fc02";
    private const string NoiseLine = "\tfcfade96c7e95ed4dde4446340ad2554d4f9cdb408f0c9bcfa36c41644454483\t769400dc2cc5f5ccc6da76242a4c03d8"
        + "\t98e83587d3995d9c8e7ab84312dda8d4bf3923d02aebaa0736f56a1765c0470d\t100";
    private const string SmallLine = "\t329479790610cd0a2668eea439374cf279ef58d7330400dbb4e3569429ef5e3d\t33d9a49e6f9a0c732182afa3e89ea841"
        + "\t0007001f003f003f007f00ff00ff00ff01ff01ff01ff03ff03ff03ff03ff03ff\t0";

    private static readonly string Grey = Vector("synthetic/s03-64x64-gray-gradient.png");
    private static readonly string Noise = Vector("synthetic/s04-64x64-rgb-noise.png");
    private static readonly string Small = Vector("upstream/pdq/data/misc-images/small.jpg");

    private readonly string _dir = Directory.CreateTempSubdirectory("fedctl-hash-").FullName;
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Prints_one_tab_separated_line_per_file_in_the_order_given()
    {
        var text = Write("notes.txt", "not an image, just notes about one.");

        var exit = Run(Grey, text, Noise, Small);

        Assert.Equal(0, exit);
        Assert.Equal("", _stderr.ToString());
        Assert.Equal(
        [
            $"{Grey}\t{GreySha256}\t{GreyMd5}\t{GreyPdq}\t100",
            $"{text}\t{Digests(text)}\t-\t-",
            Noise + NoiseLine,
            Small + SmallLine,
        ], Lines(_stdout));
    }

    [Fact]
    public void Writes_the_same_as_a_json_array_with_nulls_for_a_file_that_is_not_an_image()
    {
        var text = Write("notes.txt", "not an image, just notes about one.");

        var exit = Run("--json", Grey, text);

        Assert.Equal(0, exit);
        var files = JsonDocument.Parse(_stdout.ToString()).RootElement.EnumerateArray().ToArray();
        Assert.Equal(2, files.Length);
        Assert.Equal((Grey, GreySha256, GreyMd5, GreyPdq, 100),
            (files[0].GetProperty("path").GetString(), files[0].GetProperty("sha256").GetString(), files[0].GetProperty("md5").GetString(),
             files[0].GetProperty("pdq").GetString(), files[0].GetProperty("quality").GetInt32()));
        Assert.Equal(JsonValueKind.Null, files[1].GetProperty("pdq").ValueKind);
        Assert.Equal(JsonValueKind.Null, files[1].GetProperty("quality").ValueKind);
        Assert.Equal(Digests(text), $"{files[1].GetProperty("sha256").GetString()}\t{files[1].GetProperty("md5").GetString()}");
    }

    [Fact]
    public void Reports_a_missing_file_on_one_stderr_line_hashes_the_rest_and_exits_1()
    {
        var missing = Path.Combine(_dir, "gone.jpg");

        var exit = Run(Grey, missing, Noise);

        Assert.Equal(1, exit);
        Assert.Equal([$"{Grey}\t{GreySha256}\t{GreyMd5}\t{GreyPdq}\t100", Noise + NoiseLine], Lines(_stdout));
        var error = Assert.Single(Lines(_stderr));
        Assert.StartsWith($"fedctl hash: {missing}: cannot read:", error);
    }

    [Fact]
    public void Reports_a_directory_as_unreadable()
    {
        var exit = Run(_dir);

        Assert.Equal(1, exit);
        Assert.StartsWith($"fedctl hash: {_dir}: cannot read:", Assert.Single(Lines(_stderr)));
        Assert.Empty(Lines(_stdout));
    }

    [Fact]
    public void Reports_a_truncated_image_but_still_gives_its_file_digests()
    {
        var bytes = File.ReadAllBytes(Noise);
        var truncated = Write("cut.png", bytes[..(bytes.Length / 2)]);

        var exit = Run(truncated, Grey);

        Assert.Equal(1, exit);
        Assert.Equal([$"{truncated}\t{Digests(truncated)}\t-\t-", $"{Grey}\t{GreySha256}\t{GreyMd5}\t{GreyPdq}\t100"], Lines(_stdout));
        Assert.StartsWith($"fedctl hash: {truncated}: image not hashed (truncated):", Assert.Single(Lines(_stderr)));
    }

    [Fact]
    public void Reports_a_decompression_bomb_without_decoding_it()
    {
        var bomb = Write("bomb.png", PngDeclaring(50_000, 50_000, File.ReadAllBytes(Grey)));

        var exit = Run(bomb);

        Assert.Equal(1, exit);
        Assert.Contains("image not hashed (too many pixels)", Assert.Single(Lines(_stderr)));
    }

    [Fact]
    public void Escapes_tabs_and_line_breaks_in_a_path_so_it_cannot_forge_a_line()
    {
        var sneaky = Write("a\tb\nc\\d.txt", "hello");

        Run(sneaky);

        var line = Assert.Single(Lines(_stdout));
        Assert.StartsWith(Path.Combine(_dir, "a\\tb\\nc\\\\d.txt") + "\t", line);
        Assert.Equal(5, line.Split('\t').Length);
    }

    [Fact]
    public void Takes_a_file_named_like_an_option_after_a_double_dash()
    {
        var odd = Write("--json", "x");

        var exit = Run("--", odd);

        Assert.Equal(0, exit);
        Assert.Single(Lines(_stdout));
    }

    [Theory]
    [InlineData(new string[0], "no files given")]
    [InlineData(new[] { "--jsno", "x" }, "unknown option '--jsno'")]
    public void Rejects_a_bad_command_line_with_usage_and_exit_code_2(string[] args, string problem)
    {
        var exit = Run(args);

        Assert.Equal(2, exit);
        Assert.StartsWith($"fedctl hash: {problem}", _stderr.ToString());
        Assert.Contains("usage: fedctl hash", _stderr.ToString());
        Assert.Equal("", _stdout.ToString());
    }

    private int Run(params string[] args) => HashCommand.Run(args, _stdout, _stderr);

    private string Write(string name, string content) => Write(name, System.Text.Encoding.UTF8.GetBytes(content));

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static string Digests(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))}\t{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(bytes))}";
    }

    private static string[] Lines(StringWriter writer) =>
        writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string Vector(string relative) => Path.Combine(AppContext.BaseDirectory, "Vectors", "pdq", relative);

    // The PNG with its IHDR size replaced (CRC fixed up), so that it declares far more pixels than it holds.
    private static byte[] PngDeclaring(int width, int height, byte[] png)
    {
        var copy = png.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(20), height);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), Crc32(copy.AsSpan(12, 17)));
        return copy;
    }

    private static uint Crc32(ReadOnlySpan<byte> data) // PNG's CRC-32 (ISO 3309), over chunk type and data
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

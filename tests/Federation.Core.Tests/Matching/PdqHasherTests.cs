using Federation.Core.Matching;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Matching;

public class PdqHasherTests
{
    private static readonly PdqHasher Hasher = new();

    public static TheoryData<string, string, int> ExpectedRows()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var row in Vectors.Rows("expected.tsv")) data.Add(row[0], row[1], int.Parse(row[2]));
        return data;
    }

    public static TheoryData<string> DihedralFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Vectors.Rows("dihedral.tsv").Select(row => row[0]).Distinct()) data.Add(file);
        return data;
    }

    [Fact]
    public void The_vector_file_has_all_78_reference_rows()
    {
        Assert.Equal(78, ExpectedRows().Count);
    }

    [Theory]
    [MemberData(nameof(ExpectedRows))]
    public void Hashes_every_reference_image_exactly_as_the_reference(string file, string pdqHex, int quality)
    {
        using var stream = File.OpenRead(Vectors.Path(file));

        var result = Hasher.Hash(stream);

        Assert.Equal(pdqHex, result.Hash.ToString());
        Assert.Equal(quality, result.Quality);
    }

    [Theory]
    [MemberData(nameof(DihedralFiles))]
    public void Computes_the_eight_dihedral_hashes_as_the_reference(string file)
    {
        var expected = Vectors.Rows("dihedral.tsv").Where(row => row[0] == file)
            .Select(row => $"{row[1]} {row[2]} {row[3]}").ToArray();
        using var stream = File.OpenRead(Vectors.Path(file));

        var hashes = Hasher.HashDihedral(stream);

        var actual = expected.Select(line => line.Split(' ')[0])
            .Select(name => $"{name} {hashes[ParseTransform(name)].Hash} {hashes[ParseTransform(name)].Quality}").ToArray();
        Assert.Equal(8, expected.Length);
        Assert.Equal(expected, actual);
    }

    private static PdqTransform ParseTransform(string name) => name switch
    {
        "orig" => PdqTransform.Original,
        "rot90" => PdqTransform.Rotate90,
        "rot180" => PdqTransform.Rotate180,
        "rot270" => PdqTransform.Rotate270,
        "flipx" => PdqTransform.FlipX,
        "flipy" => PdqTransform.FlipY,
        "flipplus1" => PdqTransform.FlipPlus1,
        "flipminus1" => PdqTransform.FlipMinus1,
        _ => throw new ArgumentException($"unknown transform '{name}' in dihedral.tsv"),
    };
}

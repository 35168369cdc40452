namespace Federation.Core.Tests.Support;

/// <summary>The copied PDQ vectors (see Vectors/README.md), read from beside the test assembly.</summary>
public static class Vectors
{
    public static string Root { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "Vectors", "pdq");

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>The data rows of a tab-separated vector file, header skipped.</summary>
    public static IEnumerable<string[]> Rows(string file) =>
        File.ReadLines(Path(file)).Skip(1).Where(line => line.Length > 0).Select(line => line.Split('\t'));

    public static string[] Lines(string file) => File.ReadAllLines(Path(file)).Where(line => line.Length > 0).ToArray();
}

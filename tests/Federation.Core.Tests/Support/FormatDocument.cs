using System.Globalization;

namespace Federation.Tests.Support;

/// <summary>Reads the examples of docs/formats.md, so the document and the code cannot drift apart.</summary>
public static class FormatDocument
{
    /// <summary>The lines of the fenced block after <c>&lt;!-- example:NAME --&gt;</c>.</summary>
    public static IReadOnlyList<string> Block(string name)
    {
        var lines = File.ReadAllLines(RepoRoot.Combine("docs", "formats.md"));
        var start = Array.IndexOf(lines, $"<!-- example:{name} -->");
        if (start < 0 || lines[start + 1] != "```") throw new InvalidOperationException($"docs/formats.md has no example '{name}'");
        var end = Array.IndexOf(lines, "```", start + 2);
        return lines[(start + 2)..end];
    }

    /// <summary>The bytes of an annotated hex dump: hex pairs, with <c>#</c> starting a comment.</summary>
    public static byte[] HexDump(string name) =>
        Block(name)
            .Select(line => line.Split('#')[0])
            .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => byte.Parse(pair, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .ToArray();
}

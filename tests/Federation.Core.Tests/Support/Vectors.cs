using System.Text.Json;
using Federation.Core.Ledger;

namespace Federation.Core.Tests.Support;

/// <summary>Reads the vectors copied into the test output: Vectors/tlog (JSON) and Vectors/pdq (TSV and images); provenance in their READMEs.</summary>
internal static class Vectors
{
    private static readonly Dictionary<string, JsonElement> Cache = [];

    public static JsonElement Tlog(string file)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(file, out var root))
            {
                var path = System.IO.Path.Combine(AppContext.BaseDirectory, "Vectors", "tlog", file);
                root = JsonDocument.Parse(File.ReadAllBytes(path)).RootElement;
                Cache[file] = root;
            }
            return root;
        }
    }

    public static byte[] Bytes(this JsonElement hex) => Convert.FromHexString(hex.GetString()!);

    public static MerkleHash Hash(this JsonElement hex) => MerkleHash.ParseHex(hex.GetString()!);

    public static List<MerkleHash> Hashes(this JsonElement hexArray) => [.. hexArray.EnumerateArray().Select(Hash)];

    /// <summary>Entries of a JSON array whose <paramref name="key"/> equals <paramref name="value"/>.</summary>
    public static JsonElement Single(this JsonElement array, string key, string value) =>
        array.EnumerateArray().Single(e => e.GetProperty(key).GetString() == value);

    // PDQ vectors (Vectors/pdq)
    public static string Root { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "Vectors", "pdq");

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>The data rows of a tab-separated vector file, header skipped.</summary>
    public static IEnumerable<string[]> Rows(string file) =>
        File.ReadLines(Path(file)).Skip(1).Where(line => line.Length > 0).Select(line => line.Split('\t'));

    public static string[] Lines(string file) => File.ReadAllLines(Path(file)).Where(line => line.Length > 0).ToArray();
}

using System.Text;
using System.Text.Json;
using Federation.Core.Matching;

namespace Federation.Cli.Hashing;

/// <summary>
/// <c>fedctl hash [--json] &lt;file&gt;...</c>: SHA-256, MD5 and PDQ of local files, computed offline. The media
/// never leaves the machine; only these hashes are meant to.
/// </summary>
internal static class HashCommand
{
    public const string Usage = """
        usage: fedctl hash [--json] [--] <file>...
          Prints one line per file: <path> TAB <sha256> TAB <md5> TAB <pdq> TAB <quality>.
          PDQ columns are '-' for a file that is not an image. In a path, '\' tab, newline and carriage
          return are written as \\ \t \n \r so that a file name cannot forge a line.
          --json   one JSON array of {"path","sha256","md5","pdq","quality"} instead (pdq/quality null if no image)
          A file that cannot be read, or an image that cannot be decoded, gets a line on stderr and the exit
          code is 1; the other files are still hashed. (An undecodable image still gets its SHA-256 and MD5.)
        """;

    private static readonly PdqHasher Hasher = new();

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var json = false;
        var files = new List<string>();
        var optionsEnded = false;
        foreach (var arg in args)
        {
            if (optionsEnded || !arg.StartsWith('-') || arg == "-") files.Add(arg);
            else if (arg == "--") optionsEnded = true;
            else if (arg == "--json") json = true;
            else if (arg is "-h" or "--help")
            {
                stdout.WriteLine(Usage);
                return 0;
            }
            else return UsageError(stderr, $"unknown option '{arg}'");
        }
        if (files.Count == 0) return UsageError(stderr, "no files given");

        var failed = false;
        var results = new List<FileHashes>();
        foreach (var path in files)
        {
            var hashes = HashFile(path, stderr);
            failed |= hashes is null or { Complete: false };
            if (hashes is null) continue;
            if (json) results.Add(hashes);
            else stdout.WriteLine(TabSeparated(hashes));
        }
        if (json) WriteJson(results, stdout);
        return failed ? 1 : 0;
    }

    /// <summary>Null if the file could not be read; Complete is false if it is an image that could not be decoded.</summary>
    private static FileHashes? HashFile(string path, TextWriter stderr)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
            var digests = MediaHasher.Hash(stream);
            stream.Position = 0;
            try
            {
                return new FileHashes(path, digests, Hasher.Hash(stream), Complete: true);
            }
            catch (ImageRejectedException e) when (e.Reason == ImageRejection.NotAnImage)
            {
                return new FileHashes(path, digests, null, Complete: true);
            }
            catch (ImageRejectedException e)
            {
                stderr.WriteLine($"fedctl hash: {Escape(path)}: image not hashed ({Describe(e.Reason)}): {OneLine(e.Message)}");
                return new FileHashes(path, digests, null, Complete: false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"fedctl hash: {Escape(path)}: cannot read: {OneLine(e.Message)}");
            return null;
        }
    }

    private static string TabSeparated(FileHashes h) =>
        $"{Escape(h.Path)}\t{h.Digests.Sha256}\t{h.Digests.Md5}\t{h.Pdq?.Hash.ToString() ?? "-"}\t{h.Pdq?.Quality.ToString() ?? "-"}";

    private static void WriteJson(List<FileHashes> results, TextWriter stdout)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var h in results)
            {
                writer.WriteStartObject();
                writer.WriteString("path", h.Path);
                writer.WriteString("sha256", h.Digests.Sha256.ToString());
                writer.WriteString("md5", h.Digests.Md5.ToString());
                if (h.Pdq is { } pdq)
                {
                    writer.WriteString("pdq", pdq.Hash.ToString());
                    writer.WriteNumber("quality", pdq.Quality);
                }
                else
                {
                    writer.WriteNull("pdq");
                    writer.WriteNull("quality");
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        stdout.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static string Describe(ImageRejection reason) => reason switch
    {
        ImageRejection.Truncated => "truncated",
        ImageRejection.Corrupt => "corrupt",
        ImageRejection.TooManyPixels => "too many pixels",
        _ => reason.ToString(),
    };

    private static string Escape(string path) =>
        path.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\n", "\\n").Replace("\r", "\\r");

    // System messages quote the path, which may hold a line break.
    private static string OneLine(string message) => message.Replace("\r", "\\r").Replace("\n", "\\n");

    private static int UsageError(TextWriter stderr, string problem)
    {
        stderr.WriteLine($"fedctl hash: {problem}");
        stderr.WriteLine(Usage);
        return 2;
    }

    private sealed record FileHashes(string Path, FileDigests Digests, PdqResult? Pdq, bool Complete);
}

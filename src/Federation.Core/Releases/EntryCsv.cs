using System.Runtime.CompilerServices;
using System.Text;

namespace Federation.Core.Releases;

/// <summary>
/// The CSV operators give to <c>fedctl list pack</c> and to the node: UTF-8, header
/// <c>signal,value,classification,legal_basis,tags</c> (the last two columns optional), one change per line; a
/// withdrawal is <c>signal,value,-withdraw</c>. Fields may be quoted as in RFC 4180 but may not span lines; tags are
/// separated by ';'. Every error names the line. Lines are read as bytes with a length cap, so a file of garbage
/// fails on its first bad line without being buffered.
/// </summary>
public static class EntryCsv
{
    public static readonly string[] Columns = ["signal", "value", "classification", "legal_basis", "tags"];
    public static readonly string Header = string.Join(',', Columns);
    public const string WithdrawMarker = "-withdraw";
    public const int MaxLineBytes = 4096;

    /// <summary>Reads changes in file order, numbered by line (the header is line 1).</summary>
    /// <exception cref="ReleaseFormatException">The first bad line, named.</exception>
    public static async IAsyncEnumerable<SourcedChange> ReadAsync(Stream input, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var lines = new LineReader(input);
        var columns = 0;
        var labels = new Dictionary<(string, string, string), EntryLabel>();
        while (await lines.NextAsync(ct).ConfigureAwait(false) is { } text)
        {
            var n = lines.Number;
            if (n == 1)
            {
                columns = ParseHeader(text);
                continue;
            }
            if (string.IsNullOrWhiteSpace(text)) continue;
            yield return new SourcedChange(n, ParseRow(text, n, columns, labels));
        }
        if (lines.Number == 0) throw new ReleaseFormatException($"line 1: the file is empty; expected the header '{Header}'");
    }

    /// <summary>Writes the header and one line per change: the inverse of <see cref="ReadAsync"/>.</summary>
    public static async Task WriteAsync(IAsyncEnumerable<ReleaseChange> changes, TextWriter output, CancellationToken ct = default)
    {
        await output.WriteLineAsync(Header.AsMemory(), ct).ConfigureAwait(false);
        await foreach (var change in changes.WithCancellation(ct).ConfigureAwait(false))
            await output.WriteLineAsync(FormatRow(change).AsMemory(), ct).ConfigureAwait(false);
    }

    public static string FormatRow(ReleaseChange change)
    {
        var value = $"{change.Value.Signal},{change.Value.Hex},";
        return change.Label is not { } label
            ? value + WithdrawMarker + ",,"
            : value + label.Classification + "," + Quote(label.LegalBasis ?? "") + "," + label.Tags;
    }

    private static int ParseHeader(string text)
    {
        var fields = text.Split(',');
        var ok = fields.Length >= 3 && fields.Length <= Columns.Length;
        for (var i = 0; ok && i < fields.Length; i++) ok = fields[i].Trim() == Columns[i];
        if (!ok)
            throw new ReleaseFormatException($"line 1: expected the header '{Header}' (the last two columns optional), got '{SignalValue.Shorten(text)}'");
        return fields.Length;
    }

    private static ReleaseChange ParseRow(string text, long line, int columns, Dictionary<(string, string, string), EntryLabel> labels)
    {
        try
        {
            var fields = SplitFields(text);
            if (fields.Count < 3) throw new FormatException($"expected at least 3 fields ({string.Join(',', Columns[..3])}), got {fields.Count}");
            if (fields.Count > columns) throw new FormatException($"{fields.Count} fields, but the header has {columns}");
            var value = SignalValue.Parse(fields[0], fields[1]);
            var classification = fields[2];
            var legalBasis = fields.Count > 3 ? fields[3] : "";
            var tags = fields.Count > 4 ? fields[4] : "";
            if (classification == WithdrawMarker)
            {
                if (legalBasis.Length > 0 || tags.Length > 0) throw new FormatException("a withdrawal carries no legal basis or tags");
                return ReleaseChange.Withdraw(value);
            }
            // Most rows share a few labels: reuse them rather than building a million equal objects.
            if (!labels.TryGetValue((classification, legalBasis, tags), out var label))
            {
                label = new EntryLabel(Classification.Parse(classification), legalBasis, TagSet.Parse(tags));
                if (labels.Count < 1024) labels.Add((classification, legalBasis, tags), label);
            }
            return ReleaseChange.Add(value, label);
        }
        catch (FormatException e)
        {
            throw new ReleaseFormatException($"line {line}: {e.Message}", e);
        }
    }

    /// <summary>Splits one line into trimmed fields; quoted fields follow RFC 4180 §2 (doubled quotes inside).</summary>
    private static List<string> SplitFields(string text)
    {
        var fields = new List<string>(5);
        var i = 0;
        while (true)
        {
            while (i < text.Length && text[i] is ' ' or '\t') i++;
            if (i < text.Length && text[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length) throw new FormatException("a quoted field is not closed (fields cannot span lines)");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { sb.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    sb.Append(text[i++]);
                }
                while (i < text.Length && text[i] is ' ' or '\t') i++;
                if (i < text.Length && text[i] != ',') throw new FormatException("text follows a closing quote");
                fields.Add(sb.ToString());
            }
            else
            {
                var end = text.IndexOf(',', i);
                if (end < 0) end = text.Length;
                var field = text[i..end].Trim(' ', '\t');
                if (field.Contains('"')) throw new FormatException($"a quote inside the unquoted field '{SignalValue.Shorten(field)}'");
                fields.Add(field);
                i = end;
            }
            if (i >= text.Length) return fields;
            i++; // the comma
        }
    }

    private static string Quote(string field) =>
        field.Length > 0 && (field.Contains(',') || field.Contains('"') || field[0] is ' ' or '\t' || field[^1] is ' ' or '\t')
            ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : field;

    /// <summary>Reads UTF-8 lines (LF or CRLF) from a stream with a cap on line length; strips a leading BOM.</summary>
    private sealed class LineReader(Stream input)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;
        private bool _eof;

        public long Number { get; private set; }

        public async ValueTask<string?> NextAsync(CancellationToken ct)
        {
            while (true)
            {
                var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
                if (newline >= 0) return Take(newline, newline + 1);
                if (_end - _start > MaxLineBytes)
                {
                    Number++;
                    throw new ReleaseFormatException($"line {Number}: longer than {MaxLineBytes} bytes (is this a CSV file?)");
                }
                if (_eof) return _end > _start ? Take(_end - _start, _end - _start) : null;
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                var read = await input.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
                if (read == 0) _eof = true;
                _end += read;
            }
        }

        private string Take(int length, int consumed)
        {
            Number++;
            var bytes = _buffer.AsSpan(_start, length);
            _start += consumed;
            if (bytes.Length > MaxLineBytes) throw new ReleaseFormatException($"line {Number}: longer than {MaxLineBytes} bytes (is this a CSV file?)");
            if (bytes.EndsWith((byte)'\r')) bytes = bytes[..^1];
            if (Number == 1 && bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
            try
            {
                return ReleaseFormat.StrictUtf8.GetString(bytes);
            }
            catch (ArgumentException)
            {
                throw new ReleaseFormatException($"line {Number}: not valid UTF-8");
            }
        }
    }
}

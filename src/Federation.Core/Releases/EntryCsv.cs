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
        // Most rows share a few labels: the text after the value (classification,legal_basis,tags) is parsed once
        // per distinct text and looked up by span afterwards, so a million rows build no label strings.
        var labels = new Dictionary<string, EntryLabel?>(StringComparer.Ordinal);
        while (await lines.NextAsync(ct).ConfigureAwait(false))
        {
            var n = lines.Number;
            if (n == 1)
            {
                columns = ParseHeader(lines.Line.ToString());
                continue;
            }
            if (lines.Line.IsWhiteSpace()) continue;
            yield return new SourcedChange(n, ParseRow(lines.Line, n, columns, labels));
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

    private static ReleaseChange ParseRow(ReadOnlySpan<char> line, long number, int columns, Dictionary<string, EntryLabel?> labels)
    {
        try
        {
            var first = line.IndexOf(',');
            var second = first < 0 ? -1 : line[(first + 1)..].IndexOf(',');
            if (second >= 0) second += first + 1;
            // Quoted signal or value fields (exporters that quote everything) take the full parse.
            if (second < 0 || line[..second].Contains('"')) return ParseSlowly(line.ToString(), columns, labels, cacheKey: null);
            var signalText = line[..first].Trim(Blanks);
            if (!SignalType.TryParse(signalText, out var signal))
                throw new FormatException($"'{SignalValue.Shorten(signalText.ToString())}' is not a known signal type ({string.Join(", ", SignalType.All)})");
            var value = SignalValue.Parse(signal, line[(first + 1)..second].Trim(Blanks));
            var rest = line[(second + 1)..];
            var label = labels.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(rest, out var known)
                ? known
                : ParseSlowly(line.ToString(), columns, labels, cacheKey: rest.ToString()).Label;
            return new ReleaseChange(value, label);
        }
        catch (FormatException e)
        {
            throw new ReleaseFormatException($"line {number}: {e.Message}", e);
        }
    }

    private static readonly char[] Blanks = [' ', '\t'];

    /// <summary>The full parse of a row, field by field; its label is remembered under <paramref name="cacheKey"/>.</summary>
    private static ReleaseChange ParseSlowly(string text, int columns, Dictionary<string, EntryLabel?> labels, string? cacheKey)
    {
        var fields = SplitFields(text);
        if (fields.Count < 3) throw new FormatException($"expected at least 3 fields ({string.Join(',', Columns[..3])}), got {fields.Count}");
        if (fields.Count > columns) throw new FormatException($"{fields.Count} fields, but the header has {columns}");
        var value = SignalValue.Parse(fields[0], fields[1]);
        var classification = fields[2];
        var legalBasis = fields.Count > 3 ? fields[3] : "";
        var tags = fields.Count > 4 ? fields[4] : "";
        EntryLabel? label = null;
        if (classification == WithdrawMarker)
        {
            if (legalBasis.Length > 0 || tags.Length > 0) throw new FormatException("a withdrawal carries no legal basis or tags");
        }
        else
        {
            label = new EntryLabel(Classification.Parse(classification), legalBasis, TagSet.Parse(tags));
        }
        if (cacheKey is not null && labels.Count < 1024) labels[cacheKey] = label;
        return new ReleaseChange(value, label);
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

    /// <summary>Reads UTF-8 lines (LF or CRLF) from a stream with a cap on line length; strips a leading BOM.
    /// <see cref="Line"/> is valid until the next call.</summary>
    private sealed class LineReader(Stream input)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private readonly char[] _chars = new char[MaxLineBytes];
        private int _start;
        private int _end;
        private int _length;
        private bool _eof;

        public long Number { get; private set; }

        public ReadOnlySpan<char> Line => _chars.AsSpan(0, _length);

        public async ValueTask<bool> NextAsync(CancellationToken ct)
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
                if (_eof) return _end > _start && Take(_end - _start, _end - _start);
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

        private bool Take(int length, int consumed)
        {
            Number++;
            var bytes = _buffer.AsSpan(_start, length);
            _start += consumed;
            if (bytes.EndsWith((byte)'\r')) bytes = bytes[..^1];
            if (bytes.Length > MaxLineBytes) throw new ReleaseFormatException($"line {Number}: longer than {MaxLineBytes} bytes (is this a CSV file?)");
            if (Number == 1 && bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
            try
            {
                _length = ReleaseFormat.StrictUtf8.GetChars(bytes, _chars);
            }
            catch (ArgumentException)
            {
                throw new ReleaseFormatException($"line {Number}: not valid UTF-8");
            }
            return true;
        }
    }
}

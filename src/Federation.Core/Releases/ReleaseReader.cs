using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Federation.Core.Envelopes;
using Federation.Core.Identity;

namespace Federation.Core.Releases;

/// <summary>
/// Reads a release (docs/formats.md) from a stream in bounded memory: a 64 KiB buffer and the release's labels
/// (at most 65,535). It accepts only the canonical encoding — every rule the writer follows is checked here, so two
/// different byte strings never decode to the same release. Errors name the byte offset.
/// </summary>
public sealed class ReleaseReader
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _input;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;
    private long _offset; // stream offset of _buffer[_start]
    private bool _eof;
    private bool _started;

    public ReleaseHeader Header { get; private set; } = null!;

    /// <summary>Entries added so far; the release's total once <see cref="ReadChangesAsync"/> has finished.</summary>
    public long Added { get; private set; }

    /// <summary>Entries withdrawn so far; the release's total once <see cref="ReadChangesAsync"/> has finished.</summary>
    public long Withdrawn { get; private set; }

    private ReleaseReader(Stream input) => _input = input;

    /// <summary>Reads and checks the magic and the header. The reader does not own <paramref name="input"/>.</summary>
    /// <exception cref="ReleaseFormatException">Not a release, or a malformed header.</exception>
    public static async Task<ReleaseReader> OpenAsync(Stream input, CancellationToken ct = default)
    {
        var reader = new ReleaseReader(input);
        await reader.ReadHeaderAsync(ct).ConfigureAwait(false);
        return reader;
    }

    /// <summary>The changes in canonical order, checked as they are read; can be enumerated once. After the last
    /// change the end marker and the end of the stream have been checked.</summary>
    /// <exception cref="ReleaseFormatException">Malformed, out of order, truncated, or followed by extra bytes.</exception>
    public async IAsyncEnumerable<ReleaseChange> ReadChangesAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        if (_started) throw new InvalidOperationException("the changes of a release can be read once");
        _started = true;
        var labels = new List<EntryLabel>();
        var labelSet = new HashSet<EntryLabel>();
        SignalValue? last = null;
        var mustUseLabel = -1; // the label just defined: the next record must be its first use
        while (true)
        {
            if (_end - _start < ReleaseFormat.MaxRecordLength && !_eof) await FillAsync(ct).ConfigureAwait(false);
            var span = Available();
            if (span.IsEmpty) throw Malformed("the release ends without its end marker (truncated?)");
            var tag = span[0];
            switch (tag)
            {
                case ReleaseFormat.EndTag:
                    if (mustUseLabel >= 0) throw Malformed($"label {mustUseLabel} is defined but not used by the next record");
                    Consume(1);
                    await ExpectEndOfStreamAsync(ct).ConfigureAwait(false);
                    yield break;

                case ReleaseFormat.LabelTag:
                {
                    if (mustUseLabel >= 0) throw Malformed($"label {mustUseLabel} is defined but not used by the next record");
                    if (labels.Count >= ReleaseFormat.MaxLabels) throw Malformed($"more than {ReleaseFormat.MaxLabels} labels");
                    var label = ReadLabel(span);
                    if (!labelSet.Add(label)) throw Malformed($"label {labels.Count} repeats an earlier label");
                    labels.Add(label);
                    mustUseLabel = labels.Count - 1;
                    continue;
                }

                case ReleaseFormat.AddTag or ReleaseFormat.WithdrawTag:
                {
                    var value = ReadValue(span, out var n);
                    EntryLabel? label = null;
                    if (tag == ReleaseFormat.AddTag)
                    {
                        if (span.Length < n + 2) throw Malformed("the release ends inside a record (truncated?)");
                        var index = BinaryPrimitives.ReadUInt16BigEndian(span[n..]);
                        if (index >= labels.Count) throw Malformed($"{value} uses label {index}, which is not defined");
                        if (mustUseLabel >= 0 && index != mustUseLabel)
                            throw Malformed($"label {mustUseLabel} is defined but the next record uses label {index}");
                        label = labels[index];
                        n += 2;
                        Added++;
                    }
                    else
                    {
                        if (mustUseLabel >= 0) throw Malformed($"label {mustUseLabel} is defined but the next record is a withdrawal");
                        Withdrawn++;
                    }
                    if (last is { } previous && value.CompareTo(previous) <= 0)
                        throw Malformed(value.Equals(previous) ? $"{value} is listed twice" : $"{value} comes after {previous}: records are not in canonical order");
                    last = value;
                    mustUseLabel = -1;
                    Consume(n);
                    yield return new ReleaseChange(value, label);
                    continue;
                }

                default:
                    throw Malformed($"unknown record tag 0x{tag:x2}");
            }
        }
    }

    private SignalValue ReadValue(ReadOnlySpan<byte> span, out int length)
    {
        if (span.Length < 2) throw Malformed("the release ends inside a record (truncated?)");
        if (!SignalType.TryFromCode(span[1], out var signal)) throw Malformed($"unknown signal code {span[1]}", 1);
        length = 2 + signal.Length;
        if (span.Length < length) throw Malformed("the release ends inside a record (truncated?)");
        return SignalValue.FromBytes(signal, span.Slice(2, signal.Length));
    }

    private EntryLabel ReadLabel(ReadOnlySpan<byte> span)
    {
        var n = 1;
        var classification = ReadString(span, ref n, "classification");
        var legalBasis = ReadString(span, ref n, "legal basis");
        var tags = ReadString(span, ref n, "tags");
        if (!Classification.TryParse(classification, out var c)) throw Malformed($"'{classification}' is not a classification");
        if (!TagSet.TryParseCanonical(tags, out var tagSet)) throw Malformed($"'{tags}' is not a canonical tag set (sorted, distinct, ';'-separated)");
        EntryLabel label;
        try
        {
            label = new EntryLabel(c, legalBasis, tagSet);
        }
        catch (FormatException e)
        {
            throw Malformed(e.Message);
        }
        Consume(n);
        return label;
    }

    private string ReadString(ReadOnlySpan<byte> span, ref int n, string what)
    {
        if (span.Length < n + 1 || span.Length < n + 1 + span[n]) throw Malformed($"the release ends inside a {what} (truncated?)");
        var bytes = span.Slice(n + 1, span[n]);
        string text;
        try
        {
            text = ReleaseFormat.StrictUtf8.GetString(bytes);
        }
        catch (ArgumentException)
        {
            throw Malformed($"the {what} is not valid UTF-8", n);
        }
        n += 1 + bytes.Length;
        return text;
    }

    private async Task ReadHeaderAsync(CancellationToken ct)
    {
        // The header is small (under 70 KB even with the largest audience) and read once; clarity beats speed here.
        var magic = await TakeAsync(ReleaseFormat.Magic.Length, "magic", ct).ConfigureAwait(false);
        if (!magic.Span.SequenceEqual(ReleaseFormat.Magic))
        {
            throw magic.Span[..6].SequenceEqual(ReleaseFormat.Magic[..6])
                ? Malformed($"release format version {BinaryPrimitives.ReadUInt16BigEndian(magic.Span[6..])} is not supported (this reader knows version 1)", -8)
                : Malformed("not a release: the file does not start with FEDREL", -8);
        }
        var listText = await TakeStringAsync("list id", ct).ConfigureAwait(false);
        var originText = await TakeStringAsync("origin", ct).ConfigureAwait(false);
        var fixedPart = await TakeAsync(8 + 1, "version", ct).ConfigureAwait(false);
        var version = BinaryPrimitives.ReadInt64BigEndian(fixedPart.Span);
        var hasPrevious = fixedPart.Span[8];
        ContentDigest? previous = null;
        if (hasPrevious == 1) previous = ContentDigest.FromHash((await TakeAsync(32, "previous digest", ct).ConfigureAwait(false)).Span);
        else if (hasPrevious != 0) throw Malformed($"the previous-digest flag is {hasPrevious}, not 0 or 1", -1);
        var times = await TakeAsync(8 + 8 + 1 + 2, "times", ct).ConfigureAwait(false);
        var created = BinaryPrimitives.ReadInt64BigEndian(times.Span);
        var expires = BinaryPrimitives.ReadInt64BigEndian(times.Span[8..]);
        var tlpCode = times.Span[16];
        var peerCount = BinaryPrimitives.ReadUInt16BigEndian(times.Span[17..]);
        if (peerCount > ReleaseFormat.MaxPeers) throw Malformed($"the audience names {peerCount} peers, more than {ReleaseFormat.MaxPeers}", -2);
        var peers = new List<NodeId>(peerCount);
        string? lastPeer = null;
        for (var i = 0; i < peerCount; i++)
        {
            var peer = await TakeStringAsync("audience", ct).ConfigureAwait(false);
            if (!NodeId.TryParse(peer, out var id)) throw Malformed($"the audience names '{peer}', which is not a node id");
            if (lastPeer is not null && string.CompareOrdinal(peer, lastPeer) <= 0) throw Malformed("the audience is not sorted and distinct");
            lastPeer = peer;
            peers.Add(id);
        }

        if (!ListId.TryParse(listText, out var list)) throw Malformed($"'{listText}' is not a list id");
        if (!NodeId.TryParse(originText, out var origin)) throw Malformed($"'{originText}' is not a node id");
        if (!TlpLabel.TryFromCode(tlpCode, out var tlp)) throw Malformed($"TLP code {tlpCode} is not defined");
        if (version < 1) throw Malformed($"version {version} is not 1 or more");
        if (created < 0 || expires < 0 || created > MaxUnixSeconds || expires > MaxUnixSeconds) throw Malformed("a header time is out of range");
        try
        {
            Header = new ReleaseHeader(list, origin, new ReleaseVersion(version), previous,
                DateTimeOffset.FromUnixTimeSeconds(created), DateTimeOffset.FromUnixTimeSeconds(expires),
                peers.Count == 0 ? Audience.AllPeers : Audience.Named(peers), tlp);
        }
        catch (ArgumentException e)
        {
            throw Malformed(e.Message);
        }
    }

    private const long MaxUnixSeconds = 253402300799; // 9999-12-31T23:59:59Z

    private async Task<ReadOnlyMemory<byte>> TakeAsync(int count, string what, CancellationToken ct)
    {
        if (_end - _start < count && !_eof) await FillAsync(ct).ConfigureAwait(false);
        if (_end - _start < count) throw Malformed($"the release ends inside the header ({what}; truncated?)");
        var taken = _buffer.AsMemory(_start, count);
        Consume(count);
        return taken;
    }

    private async Task<string> TakeStringAsync(string what, CancellationToken ct)
    {
        var length = (await TakeAsync(1, what, ct).ConfigureAwait(false)).Span[0];
        var bytes = await TakeAsync(length, what, ct).ConfigureAwait(false);
        try
        {
            return ReleaseFormat.StrictUtf8.GetString(bytes.Span);
        }
        catch (ArgumentException)
        {
            throw Malformed($"the {what} is not valid UTF-8", -length);
        }
    }

    /// <summary>Moves unread bytes to the front and reads until the buffer is full or the stream ends.</summary>
    private async ValueTask FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        while (_end < _buffer.Length && !_eof)
        {
            var read = await _input.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
            if (read == 0) _eof = true;
            _end += read;
        }
    }

    private async Task ExpectEndOfStreamAsync(CancellationToken ct)
    {
        if (_end == _start && !_eof) await FillAsync(ct).ConfigureAwait(false);
        if (_end > _start) throw Malformed("bytes follow the end marker");
    }

    private ReadOnlySpan<byte> Available() => _buffer.AsSpan(_start, _end - _start);

    private void Consume(int count)
    {
        _start += count;
        _offset += count;
    }

    private ReleaseFormatException Malformed(string message, int relative = 0) =>
        new($"release byte {_offset + relative}: {message}");
}

using System.Buffers;
using System.Buffers.Binary;

namespace Federation.Core.Releases;

/// <summary>
/// Writes a release (docs/formats.md) to a stream, one change at a time, in bounded memory: a 64 KiB buffer and the
/// labels seen so far. Changes must come in canonical order — strictly increasing <see cref="SignalValue"/>, so a
/// value appears once — and a change out of order is an error, never silently reordered: the same release always
/// gives the same bytes. <see cref="ReleasePacker"/> sorts arbitrary input for you.
/// </summary>
/// <remarks>On an error the stream holds a partial release; write to a temporary file or blob and discard it.</remarks>
public sealed class ReleaseWriter
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _output;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly Dictionary<EntryLabel, ushort> _labels = [];
    private int _used;
    private SignalValue? _last;
    private bool _completed;

    public ReleaseHeader Header { get; }
    public long Added { get; private set; }
    public long Withdrawn { get; private set; }

    private ReleaseWriter(Stream output, ReleaseHeader header)
    {
        _output = output;
        Header = header;
    }

    /// <summary>Writes the magic and the header. The writer does not own <paramref name="output"/>.</summary>
    public static async Task<ReleaseWriter> StartAsync(Stream output, ReleaseHeader header, CancellationToken ct = default)
    {
        var writer = new ReleaseWriter(output, header);
        var encoded = EncodeHeader(header);
        await output.WriteAsync(encoded.WrittenMemory, ct).ConfigureAwait(false);
        return writer;
    }

    /// <summary>Appends one change; it must sort after the previous one.</summary>
    /// <exception cref="ReleaseFormatException">Out of order, a repeated value, or too many distinct labels.</exception>
    public ValueTask WriteAsync(ReleaseChange change, CancellationToken ct = default)
    {
        if (_completed) throw new InvalidOperationException("the release is already complete");
        var value = change.Value;
        if (value.Signal.Length == 0) throw new ArgumentException("the change has no value", nameof(change));
        if (_last is { } last && value.CompareTo(last) <= 0)
        {
            throw new ReleaseFormatException(value.Equals(last)
                ? $"{value} is listed twice: a release adds or withdraws a value once"
                : $"{value} comes after {last}: changes must be in canonical order (signal, then value)");
        }
        _last = value;

        var task = _used + ReleaseFormat.MaxRecordLength > BufferSize ? FlushAsync(ct) : ValueTask.CompletedTask;
        if (!task.IsCompletedSuccessfully) return WriteAfterFlushAsync(task, change);
        task.GetAwaiter().GetResult();
        Append(change);
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes the end marker and flushes. Nothing may be written afterwards.</summary>
    public async Task CompleteAsync(CancellationToken ct = default)
    {
        if (_completed) return;
        _buffer[_used++] = ReleaseFormat.EndTag;
        await FlushAsync(ct).ConfigureAwait(false);
        await _output.FlushAsync(ct).ConfigureAwait(false);
        _completed = true;
    }

    private async ValueTask WriteAfterFlushAsync(ValueTask flush, ReleaseChange change)
    {
        await flush.ConfigureAwait(false);
        Append(change);
    }

    private void Append(ReleaseChange change)
    {
        var span = _buffer.AsSpan(_used);
        var n = 0;
        if (change.Label is not { } label)
        {
            span[n++] = ReleaseFormat.WithdrawTag;
            n += WriteValue(span[n..], change.Value);
            Withdrawn++;
        }
        else
        {
            if (!_labels.TryGetValue(label, out var index))
            {
                // A label is defined right before its first use, so its place in the stream is fixed (canonical).
                if (_labels.Count >= ReleaseFormat.MaxLabels)
                    throw new ReleaseFormatException($"a release carries at most {ReleaseFormat.MaxLabels} distinct (classification, legal basis, tags) labels");
                index = (ushort)_labels.Count;
                _labels.Add(label, index);
                span[n++] = ReleaseFormat.LabelTag;
                n += WriteString(span[n..], label.Classification.Value);
                n += WriteString(span[n..], label.LegalBasis ?? "");
                n += WriteString(span[n..], label.Tags.Value);
            }
            span[n++] = ReleaseFormat.AddTag;
            n += WriteValue(span[n..], change.Value);
            BinaryPrimitives.WriteUInt16BigEndian(span[n..], index);
            n += 2;
            Added++;
        }
        _used += n;
    }

    private ValueTask FlushAsync(CancellationToken ct)
    {
        if (_used == 0) return ValueTask.CompletedTask;
        var pending = _buffer.AsMemory(0, _used);
        _used = 0;
        return _output.WriteAsync(pending, ct);
    }

    private static int WriteValue(Span<byte> span, SignalValue value)
    {
        span[0] = value.Signal.Code;
        value.CopyTo(span[1..]);
        return 1 + value.Signal.Length;
    }

    private static int WriteString(Span<byte> span, string text)
    {
        var length = ReleaseFormat.StrictUtf8.GetBytes(text, span[1..]);
        span[0] = checked((byte)length);
        return 1 + length;
    }

    internal static ArrayBufferWriter<byte> EncodeHeader(ReleaseHeader header)
    {
        var w = new ArrayBufferWriter<byte>(256);
        w.Write(ReleaseFormat.Magic);
        WriteString(w, header.List.Value);
        WriteString(w, header.Origin.Value);
        BinaryPrimitives.WriteInt64BigEndian(w.GetSpan(8), header.Version.Value);
        w.Advance(8);
        if (header.Previous is { } previous)
        {
            w.GetSpan(1)[0] = 1;
            w.Advance(1);
            previous.CopyTo(w.GetSpan(32));
            w.Advance(32);
        }
        else
        {
            w.GetSpan(1)[0] = 0;
            w.Advance(1);
        }
        BinaryPrimitives.WriteInt64BigEndian(w.GetSpan(8), header.Created.ToUnixTimeSeconds());
        w.Advance(8);
        BinaryPrimitives.WriteInt64BigEndian(w.GetSpan(8), header.Expires.ToUnixTimeSeconds());
        w.Advance(8);
        w.GetSpan(1)[0] = header.Tlp.Code;
        w.Advance(1);
        var peers = header.Audience.Peers;
        BinaryPrimitives.WriteUInt16BigEndian(w.GetSpan(2), (ushort)peers.Count);
        w.Advance(2);
        foreach (var peer in peers) WriteString(w, peer.Value);
        return w;
    }

    private static void WriteString(ArrayBufferWriter<byte> w, string text) => w.Advance(WriteString(w.GetSpan(256), text));
}

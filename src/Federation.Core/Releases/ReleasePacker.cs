using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Federation.Core.Envelopes;

namespace Federation.Core.Releases;

/// <summary>
/// Packs changes in any order into a canonical release: sorts them in bounded memory (an external merge sort: runs
/// of <see cref="PackOptions.RunLength"/> changes sorted in memory, spilled to temporary files, merged), rejects a
/// value given twice naming both lines, and writes the release while hashing it.
/// </summary>
public static class ReleasePacker
{
    /// <summary>Packs <paramref name="changes"/> under <paramref name="header"/> into <paramref name="output"/>.</summary>
    /// <returns>The summary, with the SHA-256 computed while writing.</returns>
    /// <exception cref="ReleaseFormatException">A value given twice, or too many distinct labels. Nothing valid has
    /// been written: <paramref name="output"/> may hold a partial release and must be discarded.</exception>
    public static async Task<ReleaseSummary> PackAsync(ReleaseHeader header, IAsyncEnumerable<SourcedChange> changes, Stream output,
        PackOptions? options = null, CancellationToken ct = default)
    {
        options ??= PackOptions.Default;
        if (options.RunLength < 1) throw new ArgumentOutOfRangeException(nameof(options), "RunLength must be at least 1");
        var labels = new LabelTable();
        var run = new SortItem[Math.Min(options.RunLength, 4096)];
        var count = 0;
        var spilled = new List<SpilledRun>();
        try
        {
            await foreach (var (line, change) in changes.WithCancellation(ct).ConfigureAwait(false))
            {
                if (count == run.Length)
                {
                    if (run.Length < options.RunLength) Array.Resize(ref run, (int)Math.Min(options.RunLength, 2L * run.Length));
                    else
                    {
                        spilled.Add(SpilledRun.Write(run.AsSpan(0, count), options.TempDirectory));
                        count = 0;
                    }
                }
                run[count++] = new SortItem(change.Value, line, change.Label is { } label ? labels.Intern(label, line) : -1);
            }

            using var hashing = new HashingStream(output, writing: true);
            var writer = await ReleaseWriter.StartAsync(hashing, header, ct).ConfigureAwait(false);
            var emitter = new Emitter(writer, labels);
            if (spilled.Count == 0)
            {
                run.AsSpan(0, count).Sort();
                for (var i = 0; i < count; i++) await emitter.EmitAsync(run[i], ct).ConfigureAwait(false);
            }
            else
            {
                if (count > 0) spilled.Add(SpilledRun.Write(run.AsSpan(0, count), options.TempDirectory));
                run = [];
                await MergeAsync(spilled, emitter, ct).ConfigureAwait(false);
            }
            await writer.CompleteAsync(ct).ConfigureAwait(false);
            return new ReleaseSummary(header, writer.Added, writer.Withdrawn, hashing.ContentDigest(), hashing.BytesHashed);
        }
        finally
        {
            foreach (var s in spilled) s.Dispose();
        }
    }

    private static async Task MergeAsync(List<SpilledRun> runs, Emitter emitter, CancellationToken ct)
    {
        var heads = new PriorityQueue<SpilledRun, SortItem>(runs.Count);
        foreach (var r in runs)
        {
            r.Rewind();
            if (r.TryRead(out var first)) heads.Enqueue(r, first);
        }
        while (heads.TryDequeue(out var r, out var item))
        {
            await emitter.EmitAsync(item, ct).ConfigureAwait(false);
            if (r.TryRead(out var next)) heads.Enqueue(r, next);
        }
    }

    /// <summary>A change as sorted: no references, so a run can be written to disk and read back as raw bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct SortItem : IComparable<SortItem>
    {
        // The signal code and the first 7 value bytes, big-endian: orders like the value and settles almost every
        // comparison of a sort without touching the 32-byte value.
        private readonly ulong _prefix;

        public SignalValue Value { get; }
        public long Line { get; }
        public int Label { get; }

        public SortItem(SignalValue value, long line, int label)
        {
            Span<byte> key = stackalloc byte[8];
            key[0] = value.Signal.Code;
            Span<byte> bytes = stackalloc byte[SignalType.MaxLength];
            value.CopyTo(bytes);
            bytes[..7].CopyTo(key[1..]);
            _prefix = BinaryPrimitives.ReadUInt64BigEndian(key);
            Value = value;
            Line = line;
            Label = label;
        }

        // Ties (a duplicate value) are broken by line, so the earlier line is reported as the first occurrence.
        public int CompareTo(SortItem other)
        {
            if (_prefix != other._prefix) return _prefix < other._prefix ? -1 : 1;
            var byValue = Value.CompareTo(other.Value);
            return byValue != 0 ? byValue : Line.CompareTo(other.Line);
        }
    }

    /// <summary>Labels interned while reading the input: runs carry an index, not the label.</summary>
    private sealed class LabelTable
    {
        private readonly Dictionary<EntryLabel, int> _index = [];
        private readonly List<EntryLabel> _labels = [];

        public EntryLabel this[int index] => _labels[index];

        public int Intern(EntryLabel label, long line)
        {
            if (_index.TryGetValue(label, out var i)) return i;
            if (_labels.Count >= ReleaseFormat.MaxLabels)
                throw new ReleaseFormatException($"line {line}: a release carries at most {ReleaseFormat.MaxLabels} distinct (classification, legal basis, tags) labels");
            _labels.Add(label);
            _index.Add(label, _labels.Count - 1);
            return _labels.Count - 1;
        }
    }

    /// <summary>Feeds sorted items to the writer and turns a repeated value into an error naming both lines.</summary>
    private sealed class Emitter(ReleaseWriter writer, LabelTable labels)
    {
        private SortItem? _previous;

        public ValueTask EmitAsync(SortItem item, CancellationToken ct)
        {
            if (_previous is { } p && p.Value.Equals(item.Value))
                throw new ReleaseFormatException($"line {item.Line}: {item.Value} is already listed on line {p.Line} (a release adds or withdraws a value once)");
            _previous = item;
            return writer.WriteAsync(new ReleaseChange(item.Value, item.Label < 0 ? null : labels[item.Label]), ct);
        }
    }

    /// <summary>A sorted run in a temporary file, deleted when closed, read back in blocks.</summary>
    private sealed class SpilledRun : IDisposable
    {
        private const int BlockItems = 4096;
        private static readonly int ItemSize = Unsafe.SizeOf<SortItem>();

        private readonly FileStream _file;
        private readonly byte[] _block = new byte[BlockItems * ItemSize];
        private int _items;
        private int _next;

        private SpilledRun(FileStream file) => _file = file;

        // Temporary files are local disk: synchronous I/O keeps this simple and costs a few milliseconds per run.
        public static SpilledRun Write(Span<SortItem> items, string? directory)
        {
            items.Sort();
            var path = Path.Combine(directory ?? Path.GetTempPath(), "fedrel-" + Path.GetRandomFileName());
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            try
            {
                file.Write(MemoryMarshal.AsBytes(items));
                file.Flush();
                return new SpilledRun(file);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        public void Rewind()
        {
            _file.Position = 0;
            _items = _next = 0;
        }

        public bool TryRead(out SortItem item)
        {
            if (_next == _items)
            {
                var bytes = _file.ReadAtLeast(_block, _block.Length, throwOnEndOfStream: false);
                if (bytes % ItemSize != 0) throw new IOException($"a temporary sort file ended inside a record ({_file.Name})");
                _items = bytes / ItemSize;
                _next = 0;
                if (_items == 0)
                {
                    item = default;
                    return false;
                }
            }
            item = MemoryMarshal.Cast<byte, SortItem>(_block.AsSpan())[_next++];
            return true;
        }

        public void Dispose() => _file.Dispose();
    }
}

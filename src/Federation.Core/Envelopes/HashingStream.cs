using System.Security.Cryptography;

namespace Federation.Core.Envelopes;

/// <summary>
/// Passes reads (or writes) through to another stream and hashes the bytes on the way, so signed content is
/// digested in the same pass that parses or writes it, without ever being held whole in memory. Always computes
/// SHA-256 (the <see cref="ContentDigest"/>); optionally one more algorithm (the signer's message digest).
/// </summary>
internal sealed class HashingStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _writing;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash? _other;

    public long BytesHashed { get; private set; }

    /// <param name="writing">True to hash what is written, false to hash what is read.</param>
    /// <param name="other">A second algorithm to compute alongside SHA-256; null or SHA-256 for none.</param>
    public HashingStream(Stream inner, bool writing, HashAlgorithmName? other = null)
    {
        _inner = inner;
        _writing = writing;
        if (other is { } alg && alg != HashAlgorithmName.SHA256) _other = IncrementalHash.CreateHash(alg);
    }

    public ContentDigest ContentDigest() => Envelopes.ContentDigest.FromHash(_sha256.GetCurrentHash());

    /// <summary>The digest with <paramref name="algorithm"/>, which must be SHA-256 or the one given at construction.</summary>
    public byte[] Digest(HashAlgorithmName algorithm) =>
        algorithm == HashAlgorithmName.SHA256 ? _sha256.GetCurrentHash()
        : _other is not null && _other.AlgorithmName == algorithm ? _other.GetCurrentHash()
        : throw new InvalidOperationException($"{algorithm} is not computed by this stream");

    /// <summary>Reads the rest of the stream, hashing it.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        while (await ReadAsync(buffer, ct).ConfigureAwait(false) > 0) { }
    }

    private void Hash(ReadOnlySpan<byte> bytes)
    {
        _sha256.AppendData(bytes);
        _other?.AppendData(bytes);
        BytesHashed += bytes.Length;
    }

    public override bool CanRead => !_writing;
    public override bool CanWrite => _writing;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesHashed; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_writing) throw new NotSupportedException();
        var n = _inner.Read(buffer);
        Hash(buffer[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_writing) throw new NotSupportedException();
        var n = await _inner.ReadAsync(buffer, ct).ConfigureAwait(false);
        Hash(buffer.Span[..n]);
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!_writing) throw new NotSupportedException();
        Hash(buffer);
        _inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        if (!_writing) throw new NotSupportedException();
        Hash(buffer.Span);
        return _inner.WriteAsync(buffer, ct);
    }

    public override void Flush() => _inner.Flush();
    public override Task FlushAsync(CancellationToken ct) => _inner.FlushAsync(ct);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256.Dispose();
            _other?.Dispose();
        }
        base.Dispose(disposing);
    }
}

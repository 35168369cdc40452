using System.Buffers;
using System.Security.Cryptography;

namespace Federation.Core.Matching;

/// <summary>SHA-256 and MD5 of a stream's bytes, computed together in one pass with bounded memory.</summary>
public static class MediaHasher
{
    private const int ChunkSize = 128 * 1024;

    /// <summary>Reads <paramref name="stream"/> from its current position to the end.</summary>
    public static FileDigests Hash(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var state = new State();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, ChunkSize)) > 0) state.Append(buffer.AsSpan(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return state.Finish();
    }

    /// <inheritdoc cref="Hash(Stream)"/>
    public static async Task<FileDigests> HashAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var state = new State();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
                state.Append(buffer.AsSpan(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return state.Finish();
    }

    public static FileDigests Hash(ReadOnlySpan<byte> bytes) =>
        new(Sha256Hash.FromBytes(SHA256.HashData(bytes)), Md5Hash.FromBytes(MD5.HashData(bytes)), bytes.Length);

    private sealed class State : IDisposable
    {
        private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        private long _length;

        public void Append(ReadOnlySpan<byte> chunk)
        {
            _sha256.AppendData(chunk);
            _md5.AppendData(chunk);
            _length += chunk.Length;
        }

        public FileDigests Finish() =>
            new(Sha256Hash.FromBytes(_sha256.GetHashAndReset()), Md5Hash.FromBytes(_md5.GetHashAndReset()), _length);

        public void Dispose()
        {
            _sha256.Dispose();
            _md5.Dispose();
        }
    }
}

using Federation.Core.Envelopes;

namespace Federation.Core.Releases;

/// <summary>A release as a whole: its header, how many entries it adds and withdraws, the SHA-256 of its bytes
/// (its content address and the <see cref="ReleaseHeader.Previous"/> of the next release) and its length.</summary>
public sealed record ReleaseSummary(ReleaseHeader Header, long Added, long Withdrawn, ContentDigest Digest, long Length)
{
    /// <summary>Reads and checks a whole release (streaming) and summarises it. This does not check a signature.</summary>
    /// <exception cref="ReleaseFormatException">The bytes are not a valid release.</exception>
    public static async Task<ReleaseSummary> ReadAsync(Stream release, CancellationToken ct = default)
    {
        using var hashing = new HashingStream(release, writing: false);
        var reader = await ReleaseReader.OpenAsync(hashing, ct).ConfigureAwait(false);
        await foreach (var _ in reader.ReadChangesAsync(ct).ConfigureAwait(false)) { }
        return new ReleaseSummary(reader.Header, reader.Added, reader.Withdrawn, hashing.ContentDigest(), hashing.BytesHashed);
    }
}

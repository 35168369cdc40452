using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Federation.Core.Ledger;

/// <summary>
/// What one event contributes to a node's log: its position, identity, stream, type and time, and digests of its
/// data and (for events that record a signed envelope) of the envelope's signed content. The leaf is
/// <see cref="Encode"/>'s bytes; see docs/transparency-log.md, "Leaf encoding":
/// <code>
/// 0x01                                  encoding version
/// u64be  index                          position in the log, 0-based, gap-free
/// i64be  time                           event timestamp, microseconds since 1970-01-01T00:00:00Z (truncated)
/// [16]   event id                       RFC 9562 byte order (big-endian)
/// u16be  n, [n] stream key              UTF-8
/// u16be  n, [n] event type              UTF-8, the event store's type name
/// [32]   SHA-256(canonical data)        <see cref="CanonicalJson"/> of the event's JSON data
/// 0x00 | 0x01 [32] envelope digest      SHA-256 of the signed content of the envelope the event records, if any
/// </code>
/// </summary>
public sealed class LedgerEntry
{
    public const byte EncodingVersion = 1;
    public const int DigestSize = 32;

    private LedgerEntry(ulong index, Guid eventId, string streamKey, string eventType, DateTimeOffset timestamp, byte[] dataSha256, byte[]? envelopeSha256) =>
        (Index, EventId, StreamKey, EventType, Timestamp, DataSha256, EnvelopeSha256) = (index, eventId, streamKey, eventType, timestamp, dataSha256, envelopeSha256);

    public ulong Index { get; }

    public Guid EventId { get; }

    public string StreamKey { get; }

    public string EventType { get; }

    /// <summary>Truncated to whole microseconds, the precision PostgreSQL keeps.</summary>
    public DateTimeOffset Timestamp { get; }

    public byte[] DataSha256 { get; }

    public byte[]? EnvelopeSha256 { get; }

    /// <exception cref="ArgumentException">A digest is not 32 bytes, or a name does not fit in 65,535 UTF-8 bytes.</exception>
    public static LedgerEntry Create(ulong index, Guid eventId, string streamKey, string eventType, DateTimeOffset timestamp,
        ReadOnlySpan<byte> dataSha256, ReadOnlySpan<byte> envelopeSha256 = default, bool hasEnvelope = false)
    {
        if (dataSha256.Length != DigestSize) throw new ArgumentException($"The data digest is {dataSha256.Length} bytes, not {DigestSize}.", nameof(dataSha256));
        if (hasEnvelope && envelopeSha256.Length != DigestSize)
            throw new ArgumentException($"The envelope digest is {envelopeSha256.Length} bytes, not {DigestSize}.", nameof(envelopeSha256));
        foreach (var (name, value) in new[] { (nameof(streamKey), streamKey), (nameof(eventType), eventType) })
            if (value.Length == 0 || Encoding.UTF8.GetByteCount(value) > ushort.MaxValue)
                throw new ArgumentException($"The {name} must be 1 to 65,535 UTF-8 bytes.", name);
        var utc = timestamp.ToUniversalTime();
        var micros = new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
        return new LedgerEntry(index, eventId, streamKey, eventType, micros, dataSha256.ToArray(), hasEnvelope ? envelopeSha256.ToArray() : null);
    }

    /// <summary>SHA-256 of the canonical form of an event's JSON data.</summary>
    public static byte[] DataDigest(string json) => CanonicalJson.Sha256(json);

    public long TimestampMicroseconds => (Timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>The leaf bytes.</summary>
    public byte[] Encode()
    {
        var stream = Encoding.UTF8.GetBytes(StreamKey);
        var type = Encoding.UTF8.GetBytes(EventType);
        var length = 1 + 8 + 8 + 16 + 2 + stream.Length + 2 + type.Length + DigestSize + 1 + (EnvelopeSha256 is null ? 0 : DigestSize);
        var bytes = new byte[length];
        var span = bytes.AsSpan();
        span[0] = EncodingVersion;
        BinaryPrimitives.WriteUInt64BigEndian(span[1..], Index);
        BinaryPrimitives.WriteInt64BigEndian(span[9..], TimestampMicroseconds);
        EventId.TryWriteBytes(span.Slice(17, 16), bigEndian: true, out _);
        var at = 33;
        foreach (var field in new[] { stream, type })
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)field.Length);
            field.CopyTo(span[(at + 2)..]);
            at += 2 + field.Length;
        }
        DataSha256.CopyTo(span[at..]);
        at += DigestSize;
        if (EnvelopeSha256 is { } envelope)
        {
            span[at] = 1;
            envelope.CopyTo(span[(at + 1)..]);
        }
        return bytes;
    }

    /// <summary>RFC 6962 leaf hash, SHA-256(0x00 || <see cref="Encode"/>).</summary>
    public MerkleHash LeafHash() => Rfc6962.LeafHash(Encode());
}

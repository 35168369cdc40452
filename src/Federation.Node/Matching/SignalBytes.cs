using System.Buffers.Binary;
using Federation.Core.Matching;
using Federation.Core.Releases;

namespace Federation.Node.Matching;

/// <summary>
/// Converts between the bytes of a stored entry (<c>active_entries.value</c>, a release's value) and the Core's hash
/// types. A PDQ value is the hash as the reference prints it, most significant hex digit first.
/// </summary>
public static class SignalBytes
{
    /// <summary>
    /// A release carries no PDQ quality: by publishing a hash its origin vouches that it met the quality bar
    /// (docs/pdq.md), so indexed hashes count as matchable.
    /// </summary>
    private const int PublishedQuality = 100;

    public static MediaSignals ToSignals(byte signalCode, ReadOnlySpan<byte> value)
    {
        if (signalCode == SignalType.Sha256.Code) return new MediaSignals(Sha256: Sha256Hash.FromBytes(value));
        if (signalCode == SignalType.Md5.Code) return new MediaSignals(Md5: Md5Hash.FromBytes(value));
        if (signalCode == SignalType.Pdq.Code) return new MediaSignals(Pdq: new PdqResult(ToPdq(value), PublishedQuality));
        throw new FormatException($"signal code {signalCode} is not one the match index knows");
    }

    public static PdqHash ToPdq(ReadOnlySpan<byte> value)
    {
        if (value.Length != 32) throw new FormatException($"a PDQ value is 32 bytes, not {value.Length}");
        return new PdqHash(BinaryPrimitives.ReadUInt64BigEndian(value[24..]), BinaryPrimitives.ReadUInt64BigEndian(value[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(value[8..]), BinaryPrimitives.ReadUInt64BigEndian(value));
    }

    public static byte[] ToBytes(PdqHash hash)
    {
        var bytes = new byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, hash.W3);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), hash.W2);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), hash.W1);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(24), hash.W0);
        return bytes;
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using NSec.Cryptography;

namespace Federation.Core.Ledger;

/// <summary>
/// Signature type 0x04, C2SP tlog-cosignature v1: a witness's timestamped Ed25519 cosignature of a checkpoint.
/// The line's signature bytes are timestamp (uint64 big-endian, POSIX seconds) || Ed25519 signature, and the signed
/// message is <c>"cosignature/v1\ntime &lt;timestamp&gt;\n"</c> followed by the whole checkpoint text, extension
/// lines included. Key ID = SHA-256(name || 0x0A || 0x04 || key)[:4].
/// </summary>
public sealed class CosignatureV1Verifier : NoteVerifier
{
    private const int TimestampSize = 8;

    private readonly PublicKey _publicKey;

    internal CosignatureV1Verifier(string name, byte[] key)
        : base(name, NoteKeyId.Compute(name, (byte)NoteKeyType.CosignatureV1, key), NoteKeyType.CosignatureV1, key) =>
        _publicKey = Ed25519Keys.ImportPublicKey(name, key);

    public override bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != TimestampSize + SignatureAlgorithm.Ed25519.SignatureSize) return false;
        var timestamp = BinaryPrimitives.ReadUInt64BigEndian(signature);
        if (timestamp > long.MaxValue) return false;
        return SignatureAlgorithm.Ed25519.Verify(_publicKey, Message(timestamp, text), signature[TimestampSize..]);
    }

    /// <summary>The timestamp a cosignature line carries, or false if the line is not shaped like one.</summary>
    public static bool TryReadTimestamp(NoteSignature cosignature, out ulong timestamp)
    {
        timestamp = 0;
        var signature = cosignature.Signature;
        if (signature.Length != TimestampSize + SignatureAlgorithm.Ed25519.SignatureSize) return false;
        timestamp = BinaryPrimitives.ReadUInt64BigEndian(signature);
        return timestamp <= long.MaxValue;
    }

    /// <summary>"cosignature/v1\ntime &lt;t&gt;\n" || checkpoint text (tlog-cosignature §Ed25519 cosignature/v1).</summary>
    internal static byte[] Message(ulong timestamp, ReadOnlySpan<byte> checkpointText)
    {
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"cosignature/v1\ntime {timestamp}\n"));
        var message = new byte[header.Length + checkpointText.Length];
        header.CopyTo(message, 0);
        checkpointText.CopyTo(message.AsSpan(header.Length));
        return message;
    }
}

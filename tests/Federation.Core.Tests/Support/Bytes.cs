namespace Federation.Core.Tests.Support;

/// <summary>One-byte mutations of valid vectors: a crypto negative changes exactly one byte.</summary>
internal static class Bytes
{
    public static byte[] WithByteFlipped(byte[] original, int index)
    {
        var copy = (byte[])original.Clone();
        copy[index] ^= 0x01;
        return copy;
    }

    public static int IndexOf(byte[] haystack, byte[] needle)
    {
        var at = haystack.AsSpan().IndexOf(needle);
        return at >= 0 ? at : throw new InvalidOperationException("needle not found");
    }
}

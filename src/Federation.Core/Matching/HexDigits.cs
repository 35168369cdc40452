namespace Federation.Core.Matching;

internal static class HexDigits
{
    /// <summary>
    /// Decodes exactly <c>2 × destination.Length</c> hex digits. Unlike <see cref="Convert.FromHexString(string)"/>
    /// this reports failure instead of throwing, and takes nothing else (no white space, no prefix).
    /// </summary>
    public static bool TryDecode(string? text, Span<byte> destination)
    {
        if (text is null || text.Length != 2 * destination.Length) return false;
        foreach (var c in text)
            if (!char.IsAsciiHexDigit(c)) return false;
        return Convert.FromHexString(text, destination, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == destination.Length;
    }
}

namespace Federation.Core.Ledger;

/// <summary>
/// Standard padded base64 (RFC 4648 §4), the encoding of every C2SP text format, accepted in its canonical
/// spelling only. .NET's decoder skips whitespace and ignores non-zero pad bits (<c>…NR=</c> decodes like
/// <c>…NQ=</c>), so the decoded value is re-encoded and compared: a signature or a root has exactly one spelling,
/// and a note cannot be altered without changing what it decodes to.
/// </summary>
internal static class CanonicalBase64
{
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Length % 4 != 0) return false;
        var buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64Chars(text, buffer, out var written)) return false;
        var decoded = buffer.AsSpan(0, written).ToArray();
        if (!Convert.ToBase64String(decoded).AsSpan().SequenceEqual(text)) return false;
        bytes = decoded;
        return true;
    }
}

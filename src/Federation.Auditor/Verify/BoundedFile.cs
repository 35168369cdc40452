namespace Federation.Auditor.Verify;

/// <summary>
/// Reads a small file of a bundle or trust directory whole, but only up to a size its kind can honestly have: the
/// bundle comes from the operator being audited, and a descriptor or CRL of gigabytes must fail, not exhaust memory.
/// </summary>
public static class BoundedFile
{
    public const long MaxDescriptorBytes = 256 * 1024;
    public const long MaxCrlBytes = 10 * 1024 * 1024;

    public const string TooLarge = "file-too-large";

    public static byte[] Read(string path, long maxBytes, string where)
    {
        using var file = File.OpenRead(path);
        if (file.Length > maxBytes)
            throw new AuditFailure(where, $"at most {maxBytes} bytes", $"{file.Length} bytes", TooLarge);
        var bytes = new byte[file.Length];
        file.ReadExactly(bytes);
        return bytes;
    }
}

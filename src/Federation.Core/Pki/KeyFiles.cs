namespace Federation.Core.Pki;

/// <summary>
/// Private key files: written readable by the owner only from the first byte, and checked for that when loaded.
/// </summary>
public static class KeyFiles
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Writes <paramref name="text"/> to a new temporary file created with mode 0600 in the target's
    /// directory, then renames it over <paramref name="path"/>. Writing and then restricting would leave the key
    /// readable for a moment (and write through a symlink planted at the path); a rename replaces the link itself,
    /// and a reader sees either the old file or the whole new one.</summary>
    public static void WriteSecret(string path, string text)
    {
        var target = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(target)}.{Path.GetRandomFileName()}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>The group and other permission bits of <paramref name="path"/> (none on Windows, where ACLs apply).</summary>
    public static UnixFileMode OpenToOthers(string path) =>
        OperatingSystem.IsWindows() ? 0 : File.GetUnixFileMode(path) & GroupOrOthers;

    /// <summary>"0644"-style octal rendering of a file's mode, for messages.</summary>
    public static string Octal(string path) =>
        OperatingSystem.IsWindows() ? "(windows)" : "0" + Convert.ToString((int)File.GetUnixFileMode(path), 8);
}

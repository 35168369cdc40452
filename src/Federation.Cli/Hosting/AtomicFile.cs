namespace Federation.Cli.Hosting;

/// <summary>
/// Writes an output file all at once or not at all: the content goes to a temporary file in the same directory,
/// which is renamed over the target only when writing succeeded. On error the temporary file is deleted and an
/// existing target is left as it was.
/// </summary>
internal static class AtomicFile
{
    public static async Task<T> WriteAsync<T>(string path, Func<Stream, Task<T>> write)
    {
        var target = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Path.GetRandomFileName()}.tmp");
        try
        {
            T result;
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                result = await write(stream);
                await stream.FlushAsync();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
            return result;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}

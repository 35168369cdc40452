namespace Federation.Tests.Support;

/// <summary>The repository root (the directory holding Federation.sln), found by walking up from the test binaries.</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Federation.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Federation.sln above {AppContext.BaseDirectory}");
    }
}

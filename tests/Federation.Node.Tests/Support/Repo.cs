namespace Federation.Node.Tests.Support;

/// <summary>Paths in the repository (the dev certificates are committed in certs-dev/).</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string CertsDev(string node, string file) => Path.Combine(Root, "certs-dev", node, file);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Federation.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (Federation.sln) above " + AppContext.BaseDirectory);
    }
}

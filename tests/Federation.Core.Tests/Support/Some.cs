using Federation.Core.Identity;

namespace Federation.Core.Tests.Support;

/// <summary>Fixed test data: one instant every check is made at, and the node ids of the sample agencies.</summary>
internal static class Some
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly NodeId Kr = NodeId.Parse("kr-knpa");
    public static readonly NodeId Fr = NodeId.Parse("fr-ofmin");

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "federation-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

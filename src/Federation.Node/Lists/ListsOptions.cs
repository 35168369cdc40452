using Federation.Node.Hosting;

namespace Federation.Node.Lists;

/// <summary><c>Node:Lists</c>: how large an uploaded CSV may be, and how long a release stays valid by default.</summary>
public sealed record ListsOptions(long MaxUploadBytes, int DefaultLifetimeDays)
{
    public static ListsOptions Load(IConfiguration configuration)
    {
        var s = configuration.GetSection("Node:Lists");
        return new ListsOptions(
            WholeNumberSetting.Read(s, "MaxUploadBytes", 256L * 1024 * 1024, 1024, 4L * 1024 * 1024 * 1024),
            (int)WholeNumberSetting.Read(s, "DefaultLifetimeDays", 30, 1, 3650));
    }
}

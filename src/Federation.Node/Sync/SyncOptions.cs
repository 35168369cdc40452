using Federation.Node.Hosting;

namespace Federation.Node.Sync;

/// <summary>
/// <c>Node:Sync</c>: the bounds on what a pull reads from a peer and how long it may run, and when failing pulls make
/// a peer unhealthy. Every read from a peer is bounded by these, so a hostile or broken peer costs at most a page
/// budget of memory and a pull timeout of a worker, its sync lock and its database connection.
/// </summary>
public sealed record SyncOptions(
    long MaxObjectBytes,
    long MaxFeedPageBytes,
    long PageBudgetBytes,
    TimeSpan IdleRead,
    TimeSpan PullTimeout,
    int UnhealthyAfterFailures)
{
    /// <summary>A feed page nests three levels (page, items, entry); anything far deeper is not a feed.</summary>
    public const int MaxJsonDepth = 16;

    /// <summary>A detached CMS signature with its chain is a few KiB.</summary>
    public const long MaxSignatureBytes = 1L << 20;

    /// <summary>A signed descriptor is a few KiB; refused above this, counted before it is buffered.</summary>
    public const long MaxDescriptorBytes = 256 * 1024;

    /// <summary>A witness cosignature or push receipt, or the problem a peer answers instead.</summary>
    public const long MaxAnswerBytes = 64 * 1024;

    public static readonly SyncOptions Default = new(1L << 30, 4L << 20, 256L << 20, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(30), 3);

    public static SyncOptions Load(IConfiguration configuration)
    {
        var s = configuration.GetSection("Node:Sync");
        var d = Default;
        var options = new SyncOptions(
            WholeNumberSetting.Read(s, "MaxObjectBytes", d.MaxObjectBytes, 1024, 1L << 30),
            WholeNumberSetting.Read(s, "MaxFeedPageBytes", d.MaxFeedPageBytes, 4096, 64L << 20),
            WholeNumberSetting.Read(s, "PageBudgetBytes", d.PageBudgetBytes, 1024, 4L << 30),
            TimeSpan.FromSeconds(WholeNumberSetting.Read(s, "IdleReadSeconds", (long)d.IdleRead.TotalSeconds, 1, 600)),
            TimeSpan.FromSeconds(WholeNumberSetting.Read(s, "PullTimeoutSeconds", (long)d.PullTimeout.TotalSeconds, 2, 86400)),
            (int)WholeNumberSetting.Read(s, "UnhealthyAfterFailures", d.UnhealthyAfterFailures, 1, 1000));
        if (options.PullTimeout <= options.IdleRead)
            throw new NodeConfigurationException($"{s.Path}:PullTimeoutSeconds", s["PullTimeoutSeconds"],
                $"must be longer than IdleReadSeconds ({options.IdleRead.TotalSeconds:0})");
        return options;
    }
}

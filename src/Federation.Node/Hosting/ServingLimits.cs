namespace Federation.Node.Hosting;

/// <summary>
/// <c>Node:Limits</c>: what one listener, and one remote address on it, may hold of this node — connections, time to
/// finish a TLS handshake or send headers, idle keep-alive, the slowest body rate accepted either way, the largest
/// body. Applied to every listener by <see cref="KestrelSetup"/>, so a peer or a stranger holding sockets open or
/// trickling bytes is cut off while others keep being served.
/// </summary>
public sealed record ServingLimits(
    int MaxConnectionsPerPort,
    int MaxConnectionsPerAddress,
    TimeSpan TlsHandshake,
    TimeSpan RequestHeaders,
    TimeSpan KeepAlive,
    int MinRequestBodyBytesPerSecond,
    int MinResponseBytesPerSecond,
    long MaxRequestBodyBytes)
{
    /// <summary>How long a body may start slower than the minimum rate (Kestrel's default).</summary>
    public static readonly TimeSpan RateGrace = TimeSpan.FromSeconds(5);

    public static readonly ServingLimits Default = new(1000, 100, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60), 240, 240, 64L << 20);

    public static ServingLimits Load(IConfiguration configuration)
    {
        var s = configuration.GetSection("Node:Limits");
        var d = Default;
        var limits = new ServingLimits(
            (int)WholeNumberSetting.Read(s, "MaxConnectionsPerPort", d.MaxConnectionsPerPort, 1, 1_000_000),
            (int)WholeNumberSetting.Read(s, "MaxConnectionsPerAddress", d.MaxConnectionsPerAddress, 1, 1_000_000),
            TimeSpan.FromSeconds(WholeNumberSetting.Read(s, "TlsHandshakeSeconds", (long)d.TlsHandshake.TotalSeconds, 1, 120)),
            TimeSpan.FromSeconds(WholeNumberSetting.Read(s, "RequestHeadersSeconds", (long)d.RequestHeaders.TotalSeconds, 1, 300)),
            TimeSpan.FromSeconds(WholeNumberSetting.Read(s, "KeepAliveSeconds", (long)d.KeepAlive.TotalSeconds, 1, 3600)),
            (int)WholeNumberSetting.Read(s, "MinRequestBodyBytesPerSecond", d.MinRequestBodyBytesPerSecond, 1, 1L << 30),
            (int)WholeNumberSetting.Read(s, "MinResponseBytesPerSecond", d.MinResponseBytesPerSecond, 1, 1L << 30),
            WholeNumberSetting.Read(s, "MaxRequestBodyBytes", d.MaxRequestBodyBytes, 64 * 1024, 4L << 30));
        if (limits.MaxConnectionsPerAddress > limits.MaxConnectionsPerPort)
            throw new NodeConfigurationException($"{s.Path}:MaxConnectionsPerAddress", s["MaxConnectionsPerAddress"],
                $"must not exceed MaxConnectionsPerPort ({limits.MaxConnectionsPerPort})");
        return limits;
    }
}

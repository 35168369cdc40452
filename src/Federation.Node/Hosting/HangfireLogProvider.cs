using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace Federation.Node.Hosting;

/// <summary>
/// Hangfire's log provider is process-global (<c>LogProvider.SetCurrentLogProvider</c>), while the logger factory
/// belongs to one host. In production a process runs one node, so this is the host's factory. Where several nodes
/// share a process (the tests) and one of them stops, its disposed factory would make every later Hangfire client in
/// the process throw <see cref="ObjectDisposedException"/>; such loggers become silent instead.
/// </summary>
internal sealed class HangfireLogProvider(ILoggerFactory factory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _inner = new(factory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Silent.Instance;
        }
    }

    private sealed class Silent : ILog
    {
        public static readonly Silent Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}

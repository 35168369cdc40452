using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Federation.Node.Tests.Support;

/// <summary>Keeps every log line of a node so a test can assert the reason a connection was refused.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public bool Contains(string fragment) => _lines.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Waits briefly for a line: the TLS layer logs on its own thread after the client has seen the drop.</summary>
    public async Task<bool> WaitForAsync(string fragment, string fragment2)
    {
        for (var i = 0; i < 50; i++)
        {
            if (_lines.Any(l => l.Contains(fragment, StringComparison.Ordinal) && l.Contains(fragment2, StringComparison.Ordinal))) return true;
            await Task.Delay(100);
        }
        return false;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
    }
}

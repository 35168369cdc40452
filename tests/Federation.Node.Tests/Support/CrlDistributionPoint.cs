using System.Net;

namespace Federation.Node.Tests.Support;

/// <summary>
/// A real HTTP distribution point on 127.0.0.1 serving whatever the test sets in <see cref="Serve"/>: a CRL, too many
/// bytes, or nothing at all (<see cref="Hang"/>) until the test ends.
/// </summary>
public sealed class CrlDistributionPoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public CrlDistributionPoint()
    {
        var port = FreePorts.Next();
        Url = $"http://127.0.0.1:{port}/ca.crl";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public string Url { get; }

    /// <summary>What the next request gets; the default answers nothing and never completes.</summary>
    public Func<HttpListenerResponse, CancellationToken, Task> Serve { get; set; } = Hang;

    public int Requests;

    public static Task Hang(HttpListenerResponse _, CancellationToken stop) => Task.Delay(Timeout.Infinite, stop);

    public static Func<HttpListenerResponse, CancellationToken, Task> Bytes(byte[] body, bool chunked = false) => async (r, ct) =>
    {
        r.SendChunked = chunked;
        if (!chunked) r.ContentLength64 = body.Length;
        await r.OutputStream.WriteAsync(body, ct);
    };

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref Requests);
            var serve = Serve;
            _ = Task.Run(async () =>
            {
                try
                {
                    await serve(ctx.Response, _stop.Token);
                    ctx.Response.Close();
                }
                catch (Exception e) when (e is OperationCanceledException or HttpListenerException or IOException or ObjectDisposedException)
                {
                    ctx.Response.Abort();
                }
            });
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}

using System.Security.Cryptography;
using Federation.Core.Pki;
using Federation.Node.Hosting;

namespace Federation.Node.Security;

/// <summary>
/// Fetches the CRLs of anchors configured with a distribution point URL: at start and every few minutes, each
/// with a bounded time and size. A CRL is installed only after its signature verified against that CA. While no
/// CRL has been fetched, or once the last one is past its nextUpdate, that CA's certificates are refused.
/// </summary>
public sealed class CrlFetcher(NodeSettingsMonitor settings, ILogger<CrlFetcher> log) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private const int MaxCrlBytes = 10 * 1024 * 1024;
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(10) };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await FetchAllAsync(stoppingToken);
            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task FetchAllAsync(CancellationToken ct)
    {
        foreach (var anchor in settings.AnchorsWithCrlUrl().ToList())
        {
            var url = anchor.CrlUrl!;
            try
            {
                using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
                response.EnsureSuccessStatusCode();
                if (response.Content.Headers.ContentLength > MaxCrlBytes) throw new InvalidDataException($"the CRL is larger than {MaxCrlBytes} bytes");
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                using var buffer = new MemoryStream();
                await body.CopyToAsync(buffer, ct);
                if (buffer.Length > MaxCrlBytes) throw new InvalidDataException($"the CRL is larger than {MaxCrlBytes} bytes");
                var crl = RevocationList.Load(buffer.ToArray(), anchor.Ca);
                settings.ApplyFetchedCrl(anchor, url, crl);
                log.LogInformation("Fetched the CRL of {Ca} from {Url}: {Count} revoked, next update {Next}", anchor.Ca.Subject, url, crl.Count, crl.NextUpdate);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or CryptographicException or InvalidDataException or IOException)
            {
                if (ct.IsCancellationRequested) return;
                log.LogWarning("Could not fetch the CRL of {Ca} from {Url}: {Problem}", anchor.Ca.Subject, url, e.Message);
            }
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}

using System.Security.Cryptography;
using Federation.Core.Pki;
using Federation.Node.Hosting;

namespace Federation.Node.Security;

/// <summary>
/// Fetches the CRLs of anchors configured with a distribution point URL: at start and every few minutes, all
/// distribution points at once, each within its own time and size bound (<see cref="CrlFetching"/>), so a slow or
/// hostile one costs only its own CA's CRL. A CRL is installed only after its signature verified against that CA and
/// only when it is newer than the one held (CRL number, else thisUpdate; RFC 5280 §5.2.3): an older list replayed
/// is refused as <see cref="RejectionReasons.CrlNotNewer"/>. The newest is kept in <see cref="CrlStore"/> across
/// restarts. While no CRL is held, or once the held one is stale, that CA's certificates are refused.
/// </summary>
public sealed class CrlFetcher(NodeSettingsMonitor settings, CrlStore store, TimeProvider time, ILogger<CrlFetcher> log) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    // The per-fetch bound is applied by a token of its own; the client's timeout is only a backstop.
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromMinutes(5) };
    private int _restored;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await FetchAllAsync(stoppingToken);
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Fetches every distribution point in parallel; returns when each has been installed, refused or given up on.</summary>
    public async Task FetchAllAsync(CancellationToken ct)
    {
        var anchors = settings.AnchorsWithCrlUrl().DistinctBy(a => a.Thumbprint).ToList();
        if (Interlocked.Exchange(ref _restored, 1) == 0) await Task.WhenAll(anchors.Select(a => RestoreAsync(a, ct)));
        await Task.WhenAll(anchors.Select(a => FetchAsync(a, ct)));
    }

    private async Task RestoreAsync(TrustAnchor anchor, CancellationToken ct)
    {
        try
        {
            if (await store.LoadAsync(anchor, ct) is { } held && settings.OfferCrl(anchor, held) == CrlOrder.Newer)
                log.LogInformation("Restored the held CRL of {Ca}: number {Number}, this update {This}", anchor.Ca.Subject, held.Number, held.ThisUpdate);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or CryptographicException or InvalidOperationException)
        {
            if (ct.IsCancellationRequested) return;
            log.LogWarning("Could not restore the held CRL of {Ca}: {Problem}", anchor.Ca.Subject, e.Message);
        }
    }

    private async Task FetchAsync(TrustAnchor anchor, CancellationToken ct)
    {
        var url = anchor.CrlUrl!;
        var bounds = settings.Current.CrlFetching;
        byte[] der;
        RevocationList crl;
        using var deadline = new CancellationTokenSource(bounds.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            der = await DownloadAsync(url, bounds.MaxBytes, linked.Token);
            crl = RevocationList.Load(der, anchor.Ca);
        }
        catch (CrlTooLargeException e)
        {
            Refused(anchor, url, RejectionReasons.CrlTooLarge, e.Message);
            return;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            Refused(anchor, url, RejectionReasons.CrlTimeout, $"no complete answer within {bounds.Timeout.TotalSeconds:0} s");
            return;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or CryptographicException or IOException)
        {
            if (ct.IsCancellationRequested) return;
            log.LogWarning("Could not fetch the CRL of {Ca} from {Url}: {Problem}", anchor.Ca.Subject, url, e.Message);
            return;
        }

        if (settings.HeldCrl(anchor) is { } held && crl.CompareTo(held) is var order and not CrlOrder.Newer)
        {
            if (order == CrlOrder.NotNewer)
                Refused(anchor, url, RejectionReasons.CrlNotNewer,
                    $"number {crl.Number?.ToString() ?? "(none)"} issued {crl.ThisUpdate:O} is not newer than the held number {held.Number?.ToString() ?? "(none)"} issued {held.ThisUpdate:O}");
            return;
        }
        try
        {
            await store.SaveAsync(anchor, crl, der, url, ct);
        }
        catch (Npgsql.NpgsqlException e)
        {
            // Installing is still right (a newer list only adds revocations); only replay across a restart is unguarded.
            log.LogWarning("Could not store the CRL of {Ca}: {Problem}", anchor.Ca.Subject, e.Message);
        }
        if (settings.OfferCrl(anchor, crl) == CrlOrder.Newer)
            log.LogInformation("Fetched the CRL of {Ca} from {Url}: number {Number}, {Count} revoked, next update {Next}",
                anchor.Ca.Subject, url, crl.Number, crl.Count, crl.NextUpdate);
    }

    private async Task<byte[]> DownloadAsync(Uri url, long maxBytes, CancellationToken ct)
    {
        using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > maxBytes)
            throw new CrlTooLargeException($"Content-Length {response.Content.Headers.ContentLength} is over the limit of {maxBytes} bytes");
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        // Counted while reading: a chunked answer declares no length, and a declared one may lie.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw new CrlTooLargeException($"the answer is over the limit of {maxBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private void Refused(TrustAnchor anchor, Uri url, string reason, string detail) =>
        log.LogWarning("Refused the CRL of {Ca} from {Url}: {Reason} ({Detail})", anchor.Ca.Subject, url, reason, detail);

    private sealed class CrlTooLargeException(string message) : Exception(message);

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}

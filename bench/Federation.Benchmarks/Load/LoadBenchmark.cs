using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Federation.Benchmarks.Sync;
using Federation.Core.Identity;
using Federation.Core.Releases;
using Federation.Node.Lists;
using Federation.Node.Messaging;
using Federation.Node.Sync;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SkiaSharp;

namespace Federation.Benchmarks.Load;

/// <summary>
/// Sustained load over real mTLS on loopback: officers' hash queries and 1-megapixel image uploads on kr-knpa's
/// match API, and fr-ofmin pushing messages into kr-knpa's federation inbox, all at once, for a fixed time. Prints
/// p50/p99 per kind, every error, and the process's memory every sample period, so growth after warm-up shows.
/// Both nodes and the clients share this process: the memory figures are an upper bound for the node alone.
/// </summary>
internal static class LoadBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var smoke = args.Contains("--smoke");
        var seconds = Option(args, "--seconds", smoke ? 30 : 600);
        var hashClients = Option(args, "--hash-clients", 16);
        var imageClients = Option(args, "--image-clients", 4);
        var inboxClients = Option(args, "--inbox-clients", 4);
        var entries = Option(args, "--entries", smoke ? 10_000 : 100_000);
        var admin = Environment.GetEnvironmentVariable("FEDERATION_BENCH_DB") ?? $"Host=/var/run/postgresql;Username={Environment.UserName};Database=postgres";

        await using var kr = new BenchNode("kr-knpa", admin);
        await using var fr = new BenchNode("fr-ofmin", admin);
        kr.Peers.Add(fr);
        fr.Peers.Add(kr);
        await kr.StartAsync();
        await fr.StartAsync();

        var known = await PublishAsync(kr, entries);
        var image = Image1Mp();
        Console.WriteLine($"{seconds} s; {hashClients} hash clients, {imageClients} image clients (1 MP PNG, {image.Length / 1024} KiB), " +
            $"{inboxClients} inbox clients; {entries:N0} entries listed; {Environment.ProcessorCount} CPUs, {Load()}");

        var stats = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        var errors = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var clients = new List<Task>();
        for (var i = 0; i < hashClients; i++) clients.Add(HashClient(kr, known, i, stats, errors, stop.Token));
        for (var i = 0; i < imageClients; i++) clients.Add(ImageClient(kr, image, stats, errors, stop.Token));
        for (var i = 0; i < inboxClients; i++) clients.Add(InboxClient(fr, i, stats, errors, stop.Token));
        var memory = SampleMemory(seconds, stop.Token);
        await Task.WhenAll(clients);
        var samples = await memory;

        Console.WriteLine("kind     requests   req/s     p50 ms   p99 ms   max ms");
        foreach (var (kind, bag) in stats.OrderBy(k => k.Key))
        {
            var sorted = bag.Order().ToArray();
            Console.WriteLine($"{kind,-8} {sorted.Length,8} {sorted.Length / (double)seconds,7:F1} {At(sorted, 0.50),10:F0} {At(sorted, 0.99),8:F0} {sorted[^1],8:F0}");
        }
        Console.WriteLine($"errors: {errors.Count}");
        foreach (var e in errors.Take(20)) Console.WriteLine("  " + e);
        // Growth after warm-up: the slope of working set over the second half of the run.
        var half = samples.Skip(samples.Count / 2).ToList();
        var slope = half.Count < 2 ? double.NaN : (half[^1].WorkingSetMb - half[0].WorkingSetMb) / ((half[^1].At - half[0].At) / 60);
        Console.WriteLine($"memory: first {samples.FirstOrDefault().WorkingSetMb:F0} MB, last {samples.LastOrDefault().WorkingSetMb:F0} MB working set; " +
            $"managed heap last {samples.LastOrDefault().ManagedMb:F0} MB; slope over the second half {slope:+0.00;-0.00} MB/min; {Load()}");
        return errors.IsEmpty ? 0 : 1;
    }

    private static async Task<List<string>> PublishAsync(BenchNode kr, int entries)
    {
        using (var officer = kr.Officer())
        using (var created = await officer.PostAsJsonAsync("api/v1/lists", new { id = "load", title = "load", audience = "fr-ofmin", tlp = "AMBER" }))
            created.EnsureSuccessStatusCode();
        var known = new List<string>();
        var text = new StringBuilder("signal,value,classification\n", entries * 80);
        var buffer = new byte[32];
        for (var i = 0; i < entries; i++)
        {
            RandomNumberGenerator.Fill(buffer);
            var hex = Convert.ToHexStringLower(buffer);
            if (i % 100 == 0) known.Add(hex);
            text.Append("sha256,").Append(hex).Append(",deepfake-ncii\n");
        }
        await kr.Services.GetRequiredService<ReleasePublisher>().PublishAsync(ListId.Parse("load"),
            new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), TimeSpan.FromDays(30), "load", CancellationToken.None);
        return known;
    }

    private static async Task HashClient(BenchNode kr, List<string> known, int seed, ConcurrentDictionary<string, ConcurrentBag<double>> stats,
        ConcurrentQueue<string> errors, CancellationToken stop)
    {
        using var officer = kr.Officer();
        var random = new Random(seed);
        var buffer = new byte[32];
        while (!stop.IsCancellationRequested)
        {
            // Half the queries hit a listed hash, half miss.
            random.NextBytes(buffer);
            var value = random.Next(2) == 0 ? known[random.Next(known.Count)] : Convert.ToHexStringLower(buffer);
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/match")
            {
                Content = JsonContent.Create(new { hashes = new[] { new { signal = "sha256", value } } }),
            };
            request.Headers.Add("X-Justification", "load test");
            await Time("hash", officer, request, stats, errors);
        }
    }

    private static async Task ImageClient(BenchNode kr, byte[] image, ConcurrentDictionary<string, ConcurrentBag<double>> stats,
        ConcurrentQueue<string> errors, CancellationToken stop)
    {
        using var officer = kr.Officer();
        while (!stop.IsCancellationRequested)
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(image);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "file", "load.png");
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/match") { Content = form };
            request.Headers.Add("X-Justification", "load test");
            await Time("image", officer, request, stats, errors);
        }
    }

    private static async Task Time(string kind, HttpClient client, HttpRequestMessage request, ConcurrentDictionary<string, ConcurrentBag<double>> stats,
        ConcurrentQueue<string> errors)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) errors.Enqueue($"{kind}: HTTP {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
            else stats.GetOrAdd(kind, _ => []).Add(clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            errors.Enqueue($"{kind}: {e.GetType().Name} {e.Message}");
        }
    }

    /// <summary>fr-ofmin commits a message to its outbox and delivers it to kr-knpa's inbox (mTLS, signed, receipted).</summary>
    private static async Task InboxClient(BenchNode fr, int client, ConcurrentDictionary<string, ConcurrentBag<double>> stats,
        ConcurrentQueue<string> errors, CancellationToken stop)
    {
        var sender = fr.Services.GetRequiredService<MessageSender>();
        var delivery = fr.Services.GetRequiredService<OutboxDelivery>();
        var db = fr.Services.GetRequiredService<NpgsqlDataSource>();
        var kr = NodeId.Parse("kr-knpa");
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                await using (var conn = await db.OpenConnectionAsync())
                await using (var tx = await conn.BeginTransactionAsync())
                {
                    await sender.SendAsync(conn, tx, new OutgoingMessage(MessageKind.Message, "bench.load", [kr],
                        JsonSerializer.SerializeToElement(new { client, i }), TimeSpan.FromHours(1)), CancellationToken.None);
                    await tx.CommitAsync();
                }
                var round = await delivery.DeliverAsync(kr, force: false, CancellationToken.None);
                if (round.Failed > 0) errors.Enqueue($"inbox: {round.Failed} failed, {round.LastError}");
                else stats.GetOrAdd("inbox", _ => []).Add(clock.Elapsed.TotalMilliseconds);
            }
            catch (Exception e) when (e is HttpRequestException or NpgsqlException or InvalidOperationException)
            {
                errors.Enqueue($"inbox: {e.GetType().Name} {e.Message}");
            }
        }
    }

    private readonly record struct MemorySample(double At, double WorkingSetMb, double ManagedMb);

    private static async Task<List<MemorySample>> SampleMemory(int seconds, CancellationToken stop)
    {
        var samples = new List<MemorySample>();
        var clock = Stopwatch.StartNew();
        var period = TimeSpan.FromSeconds(Math.Clamp(seconds / 20, 1, 30));
        using var process = Process.GetCurrentProcess();
        while (!stop.IsCancellationRequested)
        {
            try { await Task.Delay(period, stop); } catch (TaskCanceledException) { break; }
            process.Refresh();
            var sample = new MemorySample(clock.Elapsed.TotalSeconds, process.WorkingSet64 / 1e6, GC.GetTotalMemory(false) / 1e6);
            samples.Add(sample);
            Console.WriteLine($"  t={sample.At,5:F0} s  working set {sample.WorkingSetMb,6:F0} MB  managed {sample.ManagedMb,6:F0} MB");
        }
        return samples;
    }

    private static byte[] Image1Mp()
    {
        // Smooth colour with some noise: decodes to 1,000,000 pixels and gives PDQ a hash of quality.
        using var bitmap = new SKBitmap(1000, 1000);
        var random = new Random(7);
        for (var y = 0; y < 1000; y++)
            for (var x = 0; x < 1000; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x / 4), (byte)(y / 4), (byte)((x + y) / 8 + random.Next(16))));
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 90);
        return encoded.ToArray();
    }

    private static double At(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * q))];

    private static string Load() => "load average " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

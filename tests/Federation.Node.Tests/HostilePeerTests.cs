using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Federation.Core.Identity;
using Federation.Core.Pki;
using Federation.Node.Peers;
using Federation.Node.Sync;
using Federation.Node.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

/// <summary>
/// A peer holding its real certificate turns hostile: endless, trickling, giant, too deep, silent or garbage answers
/// to a pull or a descriptor refresh, and floods of bodies and idle connections to the node's own endpoints. Each time
/// the node's memory stays bounded, the pull ends within the configured bounds with the reason in the peer's health,
/// and the node keeps answering.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class HostilePeerTests(HostilePeerFixture hostile) : IClassFixture<HostilePeerFixture>
{
    /// <summary>Far above what a bounded read costs (a cap of 1 MiB, a page of 64 KiB), far below what the unbounded reads cost (GBs).</summary>
    private const long MemoryBound = 96L << 20;

    /// <summary>The pull timeout plus slack for a loaded machine; an unbounded pull runs until the attacker hangs up.</summary>
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(HostilePeerFixture.PullTimeoutSeconds + 11);

    private static readonly NodeId Fr = NodeId.Parse("fr-ofmin");
    private static readonly string Digest = new('a', 64);

    [Fact]
    public async Task An_endless_chunked_object_is_cut_off_at_its_declared_size()
    {
        Feed(Entry(size: HostilePeerFixture.MaxObjectBytes));
        Objects(async ctx =>
        {
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 64 * 1024 && !ctx.RequestAborted.IsCancellationRequested; i++) // at most 4 GiB
                await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
        });

        await PullFailsWith(PeerAnswerRefused.ObjectTooLarge);
    }

    [Fact]
    public async Task An_entry_declaring_more_than_the_cap_is_refused_without_a_download()
    {
        Feed(Entry(size: 100L << 30));
        Objects(_ => throw new InvalidOperationException("the object must not be asked for"));
        hostile.Hits.Clear();

        await PullFailsWith(PeerAnswerRefused.ObjectTooLarge);

        Assert.False(hostile.Hits.ContainsKey("/federation/v1/objects/" + Digest));
    }

    [Fact]
    public async Task A_lying_content_length_trickled_byte_by_byte_ends_at_the_pull_timeout()
    {
        Feed(Entry(size: 1024));
        Objects(async ctx =>
        {
            ctx.Response.ContentLength = 1024; // promised, never delivered
            // Faster than the idle timeout, so only the pull's deadline can stop it.
            for (var i = 0; i < 1000 && !ctx.RequestAborted.IsCancellationRequested; i++)
            {
                await ctx.Response.Body.WriteAsync("x"u8.ToArray(), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await Task.Delay(300, ctx.RequestAborted);
            }
        });

        var elapsed = await PullFailsWith(PeerAnswerRefused.PeerTooSlow);

        Assert.True(elapsed >= TimeSpan.FromSeconds(HostilePeerFixture.PullTimeoutSeconds - 1), $"stopped after {elapsed}, before the deadline");
    }

    [Fact]
    public async Task A_giant_feed_page_is_refused_before_it_is_parsed()
    {
        hostile.Serve = async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("{\"items\":[", ctx.RequestAborted);
            var item = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Entry(1024), JsonSerializerOptions.Web) + ",");
            for (var i = 0; i < 10_000_000 && !ctx.RequestAborted.IsCancellationRequested; i++) // ~2 GB
                await ctx.Response.Body.WriteAsync(item, ctx.RequestAborted);
        };

        await PullFailsWith(PeerAnswerRefused.FeedPageTooLarge);
    }

    [Fact]
    public async Task A_deeply_nested_feed_page_is_refused_as_too_deep()
    {
        hostile.Serve = async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("{\"items\":" + new string('[', 20_000), ctx.RequestAborted);
        };

        await PullFailsWith(PeerAnswerRefused.JsonTooDeep);
    }

    [Fact]
    public async Task A_peer_that_never_sends_its_headers_is_cut_off_after_the_idle_timeout()
    {
        hostile.Serve = async ctx => await Task.Delay(TimeSpan.FromSeconds(60), CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, hostile.Stopping).Token);

        var elapsed = await PullFailsWith(PeerAnswerRefused.PeerTooSlow);

        Assert.True(elapsed < TimeSpan.FromSeconds(HostilePeerFixture.PullTimeoutSeconds), $"took {elapsed}: the idle timeout, not the deadline, should stop it");
    }

    [Fact]
    public async Task A_giant_descriptor_is_refused_before_it_is_buffered()
    {
        hostile.Serve = async ctx =>
        {
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 64 * 1024 && !ctx.RequestAborted.IsCancellationRequested; i++) // at most 4 GiB
                await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
        };

        var status = await RefreshFails();

        Assert.StartsWith(PeerAnswerRefused.DescriptorTooLarge, status.LastError);
    }

    [Fact]
    public async Task A_garbage_descriptor_is_refused_with_its_reason()
    {
        hostile.Serve = async ctx => await ctx.Response.Body.WriteAsync(RandomNumberGenerator(4096), ctx.RequestAborted);

        var status = await RefreshFails();

        Assert.StartsWith("descriptor refused", status.LastError);
    }

    [Fact]
    public async Task A_peer_whose_pulls_keep_failing_turns_unhealthy_with_the_last_reason()
    {
        hostile.Serve = ctx => ctx.Response.WriteAsJsonAsync(new FeedApi.FeedPage([], 0, 0), ctx.RequestAborted);
        var ok = await Sync().SyncAsync(Fr, force: true, CancellationToken.None);
        Assert.Equal("ok", ok.Status);
        Assert.True((await PeerView()).GetProperty("sync").GetProperty("healthy").GetBoolean());

        hostile.Serve = async ctx => await ctx.Response.WriteAsync("{\"items\":" + new string('[', 1000), ctx.RequestAborted);
        for (var i = 1; i <= HostilePeerFixture.UnhealthyAfterFailures; i++)
        {
            Assert.Equal("failed", (await Sync().SyncAsync(Fr, force: true, CancellationToken.None)).Status);
            var sync = (await PeerView()).GetProperty("sync");
            Assert.Equal(i < HostilePeerFixture.UnhealthyAfterFailures, sync.GetProperty("healthy").GetBoolean());
            Assert.Equal(PeerAnswerRefused.JsonTooDeep, sync.GetProperty("lastReason").GetString());
        }
        Assert.False((await PeerView()).GetProperty("healthy").GetBoolean());

        using var health = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{hostile.Kr.HealthPort}/") };
        var metrics = await health.GetStringAsync("metrics");
        Assert.Contains("federation_peer_sync_healthy{peer=\"fr-ofmin\"} 0", metrics);
        Assert.Contains("federation_peer_sync_last_failure{peer=\"fr-ofmin\",reason=\"json-too-deep\"} 1", metrics);

        using var person = Clients.DevPerson("kr-knpa", "officer", hostile.Kr);
        var page = await person.GetStringAsync("console/federation");
        Assert.Contains("<code data-testid=\"sync-reason\">json-too-deep</code>", page);
    }

    [Theory]
    [InlineData("federation/v1/inbox")]
    [InlineData("federation/v1/witness/add-checkpoint")]
    public async Task A_2_GiB_chunked_post_is_refused_quickly_while_the_node_keeps_answering(string path)
    {
        using var peer = Clients.DevNodeClient("fr-ofmin", hostile.Kr);
        var body = new EndlessContent(2L << 30);
        var clock = Stopwatch.StartNew();
        HttpStatusCode? status = null;
        try
        {
            using var response = await peer.PostAsync(path, body);
            status = response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            // The node closed the connection mid-body: refused too.
        }

        Assert.True(status is null or HttpStatusCode.RequestEntityTooLarge, $"answered {status}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.True(body.Sent < 512L << 20, $"the node read {body.Sent} bytes before refusing");
        await AssertNodeAnswers();
    }

    [Fact]
    public async Task Idle_tls_connections_beyond_the_per_address_limit_are_refused_while_others_are_served()
    {
        var idle = new List<SslStream>();
        var refused = 0;
        try
        {
            for (var i = 0; i < HostilePeerFixture.MaxConnectionsPerAddress * 3; i++)
            {
                var tcp = new TcpClient(new IPEndPoint(IPAddress.Loopback, 0));
                await tcp.ConnectAsync(IPAddress.Loopback, hostile.Kr.FederationPort);
                var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
                try
                {
                    using var handshake = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, handshake.Token);
                    idle.Add(tls);
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
                {
                    refused++;
                    await tls.DisposeAsync();
                }
            }

            Assert.Equal(HostilePeerFixture.MaxConnectionsPerAddress, idle.Count);
            Assert.Equal(HostilePeerFixture.MaxConnectionsPerAddress * 2, refused);

            // Another address (all of 127.0.0.0/8 is loopback) is still served, and so are the other ports.
            using var other = Clients.With(PemFiles.LoadWithKey(Repo.CertsDev("fr-ofmin", "node-client.crt"), Repo.CertsDev("fr-ofmin", "node-client.key")),
                Repo.CertsDev("kr-knpa", "ca.crt"), hostile.Kr.FederationUrl, h => h.ConnectCallback = async (ctx, ct) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                    socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                    await socket.ConnectAsync(IPAddress.Loopback, ctx.DnsEndPoint.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                });
            using (var descriptor = await other.GetAsync(PeerMonitor.DescriptorPath))
                Assert.Equal(HttpStatusCode.OK, descriptor.StatusCode);
            await AssertNodeAnswers();

            // The node drops idle connections itself after the keep-alive timeout, freeing their slots.
            foreach (var tls in idle)
            {
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(HostilePeerFixture.KeepAliveSeconds + 15));
                var buffer = new byte[16];
                int read;
                try { read = await tls.ReadAsync(buffer, wait.Token); }
                catch (IOException) { read = 0; }
                Assert.Equal(0, read);
            }
        }
        finally
        {
            foreach (var tls in idle) await tls.DisposeAsync();
        }
        using var again = Clients.DevNodeClient("fr-ofmin", hostile.Kr);
        using var answer = await again.GetAsync(PeerMonitor.DescriptorPath);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    private static FeedApi.FeedEntry Entry(long size) =>
        new(1, ReleaseItemHandler.ItemKind, "fr-ofmin/hostile/1", "fr-ofmin", Digest, null, size, DateTimeOffset.UnixEpoch);

    private void Feed(FeedApi.FeedEntry entry) => hostile.Serve = ctx => ctx.Request.Path.StartsWithSegments("/federation/v1/feed")
        ? ctx.Response.WriteAsJsonAsync(new FeedApi.FeedPage([entry], entry.Position, entry.Position), ctx.RequestAborted)
        : ObjectAnswer(ctx);

    private Func<HttpContext, Task> ObjectAnswer { get; set; } = _ => Task.CompletedTask;

    private void Objects(Func<HttpContext, Task> answer) => ObjectAnswer = answer;

    private PeerSync Sync() => hostile.Kr.Services.GetRequiredService<PeerSync>();

    /// <summary>Pulls once; asserts it failed with <paramref name="reason"/> recorded, within the time and memory bounds, and that the node still answers.</summary>
    private async Task<TimeSpan> PullFailsWith(string reason)
    {
        var (outcome, elapsed) = await Bounded(() => Sync().SyncAsync(Fr, force: true, CancellationToken.None));
        Assert.Equal("failed", outcome.Status);
        Assert.Equal(reason, outcome.State.LastReason);
        Assert.Equal(reason, (await PeerView()).GetProperty("sync").GetProperty("lastReason").GetString());
        await AssertNodeAnswers();
        return elapsed;
    }

    private async Task<PeerStatus> RefreshFails()
    {
        var settings = hostile.Kr.Services.GetRequiredService<Federation.Node.Hosting.NodeSettingsMonitor>().Current.Peers[Fr];
        var (status, _) = await Bounded(() => hostile.Kr.Services.GetRequiredService<PeerMonitor>().RefreshAsync(settings, CancellationToken.None));
        Assert.True(status.ConsecutiveFailures > 0);
        Assert.False((await PeerView()).GetProperty("healthy").GetBoolean());
        await AssertNodeAnswers();
        return status;
    }

    private static async Task<(T, TimeSpan)> Bounded<T>(Func<Task<T>> run)
    {
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var result = await run().WaitAsync(TimeBound * 2);
        var elapsed = clock.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(elapsed < TimeBound, $"took {elapsed}");
        Assert.True(allocated < MemoryBound, $"allocated {allocated / (1 << 20)} MiB");
        return (result, elapsed);
    }

    private async Task<JsonElement> PeerView()
    {
        using var op = Clients.DevPerson("kr-knpa", "operator", hostile.Kr);
        using var doc = JsonDocument.Parse(await op.GetStringAsync("api/v1/peers"));
        return doc.RootElement.EnumerateArray().Single(p => p.GetProperty("nodeId").GetString() == "fr-ofmin").Clone();
    }

    private async Task AssertNodeAnswers()
    {
        using var health = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{hostile.Kr.HealthPort}/"), Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal("ok\n", await health.GetStringAsync("healthz"));
        using var op = Clients.DevPerson("kr-knpa", "operator", hostile.Kr);
        using var peers = await op.GetAsync("api/v1/peers");
        Assert.Equal(HttpStatusCode.OK, peers.StatusCode);
    }

    private static byte[] RandomNumberGenerator(int length) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);

    /// <summary>A body of <paramref name="length"/> bytes generated as it is sent, never held; chunked (no length).</summary>
    private sealed class EndlessContent(long length) : HttpContent
    {
        private long _sent;

        public long Sent => Interlocked.Read(ref _sent);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct)
        {
            // One JSON string that never ends, so the endpoint cannot refuse it as malformed before its size limit.
            await stream.WriteAsync("{\"item\":{\"kind\":\""u8.ToArray(), ct);
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'A');
            while (Sent < length)
            {
                await stream.WriteAsync(chunk, ct);
                Interlocked.Add(ref _sent, chunk.Length);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

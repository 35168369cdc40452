using Federation.Node.Hosting;
using Federation.Node.Security;
using Federation.Node.Sync;
using Hangfire;
using Marten;

namespace Federation.Node.Peers;

public static class PeersApi
{
    public const string DescriptorContentType = "application/pkcs7-mime; smime-type=signed-data";

    public static void MapPeersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/federation/v1/node", (NodeDescriptorSource source) => TypedResults.Bytes(source.Envelope(), DescriptorContentType))
            .RequireAuthorization(Policies.Peer);

        var api = app.MapGroup("/api/v1/peers").RequireAuthorization(Policies.Person).WithTags("Peers");
        api.MapGet("/", ListPeers).WithSummary("Each configured peer with last contact, last error and the verified descriptor.");
        // No body, but a declared JSON one ({}): a page of another origin cannot send that without a preflight (CrossSiteGuard).
        api.MapPost("/refresh", RefreshPeers).RequireAuthorization(Policies.Operator).Accepts<System.Text.Json.Nodes.JsonObject>("application/json")
            .WithSummary("Refresh every peer's descriptor now (operators). Body: {}.");
        api.MapPost("/{peer}/sync", SyncNow).RequireAuthorization(Policies.Operator).Accepts<System.Text.Json.Nodes.JsonObject>("application/json")
            .WithSummary("Pull a peer's feed now (operators); with wait=true, answer when the pull has finished. Body: {}.");
    }

    /// <summary>One peer; <paramref name="Healthy"/> when its descriptor was last fetched and verified and its pulls are not
    /// failing (<see cref="SyncView.Healthy"/>).</summary>
    public sealed record PeerView(string NodeId, string BaseUrl, bool Healthy, DateTimeOffset? LastContact, DateTimeOffset? LastSuccess,
        string? LastError, int ConsecutiveFailures, Core.Descriptors.NodeDescriptor? Descriptor, SyncView Sync, Outbox.Health Outbox);

    /// <summary>Sync health: last successful pull, what came in, how far behind the peer's head, what went wrong
    /// (<paramref name="LastReason"/> is the stable code, e.g. <c>object-too-large</c>). Unhealthy once
    /// <c>Node:Sync:UnhealthyAfterFailures</c> pulls in a row have failed.</summary>
    public sealed record SyncView(bool Healthy, DateTimeOffset? LastSuccess, long ItemsReceived, long BytesReceived, long ItemsQuarantined, long Cursor, long Lag,
        string? LastError, string? LastReason, int ConsecutiveFailures)
    {
        public static SyncView Of(PeerSyncState s, SyncOptions options) =>
            new(s.Healthy(options.UnhealthyAfterFailures), s.LastSuccess, s.ItemsReceived, s.BytesReceived, s.ItemsQuarantined, s.Cursor, s.Lag, s.LastError,
                s.LastReason, s.ConsecutiveFailures);
    }

    private static async Task<IResult> ListPeers(NodeSettingsMonitor settings, IQuerySession session, Npgsql.NpgsqlDataSource db, TimeProvider time, SyncOptions options,
        CancellationToken ct) =>
        TypedResults.Ok(await Views(settings, session, db, time, options, null, ct));

    private static async Task<IResult> RefreshPeers(PeerMonitor monitor, NodeSettingsMonitor settings, IQuerySession session, Npgsql.NpgsqlDataSource db, TimeProvider time,
        SyncOptions options, CancellationToken ct)
    {
        var statuses = (await monitor.RefreshAllAsync(ct)).ToDictionary(s => s.Id);
        return TypedResults.Ok(await Views(settings, session, db, time, options, statuses, ct));
    }

    private static async Task<IResult> SyncNow(string peer, bool? wait, PeerSync sync, IBackgroundJobClient jobs, NodeSettingsMonitor settings, SyncOptions options,
        CancellationToken ct)
    {
        if (!Core.Identity.NodeId.TryParse(peer, out var id) || !settings.Current.Peers.ContainsKey(id))
            return Problems.Result(404, "peer-not-configured", $"'{peer}' is not a configured peer");
        if (wait != true)
        {
            var job = jobs.Enqueue<PeerSyncJob>(j => j.RunAsync(id.Value, CancellationToken.None));
            return TypedResults.Accepted((string?)null, new { peer = id.Value, job });
        }
        var outcome = await sync.SyncAsync(id, force: true, ct);
        return outcome.Status is "ok"
            ? TypedResults.Ok(new { outcome.Peer, outcome.Status, outcome.Pages, outcome.Applied, outcome.Quarantined, Sync = SyncView.Of(outcome.State, options) })
            : Problems.Result(502, "sync-" + outcome.Status, $"the pull from {id} did not complete", outcome.State.LastError);
    }

    /// <summary>Each configured peer with its last refresh, sync and outbox state; the console shows the same views.</summary>
    internal static async Task<List<PeerView>> Views(NodeSettingsMonitor settings, IQuerySession session, Npgsql.NpgsqlDataSource db, TimeProvider time,
        SyncOptions options, Dictionary<string, PeerStatus>? fresh, CancellationToken ct)
    {
        var peers = settings.Current.Peers.Values.OrderBy(p => p.NodeId.Value, StringComparer.Ordinal).ToList();
        var ids = peers.Select(p => p.NodeId.Value).ToArray();
        var statuses = fresh ?? (await session.LoadManyAsync<PeerStatus>(ct, ids)).ToDictionary(s => s.Id);
        var syncs = (await session.LoadManyAsync<PeerSyncState>(ct, ids)).ToDictionary(s => s.Id);
        var outbox = await Outbox.HealthAsync(db, settings.Current.Schema, time.GetUtcNow(), ct);
        return peers.Select(p => View(p, statuses.GetValueOrDefault(p.NodeId.Value), syncs.GetValueOrDefault(p.NodeId.Value) ?? PeerSyncState.New(p.NodeId.Value),
            outbox.GetValueOrDefault(p.NodeId.Value) ?? Outbox.Health.None, options)).ToList();
    }

    private static PeerView View(PeerSettings p, PeerStatus? s, PeerSyncState sync, Outbox.Health outbox, SyncOptions options) =>
        new(p.NodeId.Value, p.BaseUrl.ToString(), s is { ConsecutiveFailures: 0, LastSuccess: not null } && sync.Healthy(options.UnhealthyAfterFailures),
            s?.LastContact, s?.LastSuccess, s?.LastError, s?.ConsecutiveFailures ?? 0, s?.Descriptor, SyncView.Of(sync, options), outbox);
}

using System.Globalization;
using System.Text;
using Federation.Node.Hosting;
using Federation.Node.Peers;
using Marten;

namespace Federation.Node.Sync;

/// <summary>Sync health as Prometheus text on the local health port (<c>/metrics</c>): the same figures as
/// <c>GET /api/v1/peers</c>, for the agency's monitoring.</summary>
public static class SyncMetrics
{
    public static void MapSyncMetrics(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", async (NodeSettingsMonitor settings, IQuerySession session, Npgsql.NpgsqlDataSource db, TimeProvider time, SyncOptions options, CancellationToken ct) =>
            TypedResults.Text(await RenderAsync(settings.Current, options, session, await Outbox.HealthAsync(db, settings.Current.Schema, time.GetUtcNow(), ct), ct),
                "text/plain; version=0.0.4", Encoding.UTF8));

    public static async Task<string> RenderAsync(NodeSettings settings, SyncOptions options, IQuerySession session, IReadOnlyDictionary<string, Outbox.Health> outbox, CancellationToken ct)
    {
        var ids = settings.Peers.Keys.Select(k => k.Value).Order(StringComparer.Ordinal).ToArray();
        var syncs = (await session.LoadManyAsync<PeerSyncState>(ct, ids)).ToDictionary(s => s.Id);
        var statuses = (await session.LoadManyAsync<PeerStatus>(ct, ids)).ToDictionary(s => s.Id);
        var text = new StringBuilder();
        void Metric(string name, string type, string help, Func<string, double?> value)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var id in ids)
                if (value(id) is { } v)
                    text.Append(name).Append("{peer=\"").Append(id).Append("\"} ").Append(v.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        PeerSyncState Sync(string id) => syncs.GetValueOrDefault(id) ?? PeerSyncState.New(id);
        Metric("federation_peer_sync_lag_items", "gauge", "Items in the peer's feed not yet pulled.", id => Sync(id).Lag);
        Metric("federation_peer_sync_consecutive_failures", "gauge", "Failed pulls since the last successful one.", id => Sync(id).ConsecutiveFailures);
        Metric("federation_peer_sync_healthy", "gauge", "0 once Node:Sync:UnhealthyAfterFailures pulls in a row have failed.",
            id => Sync(id).Healthy(options.UnhealthyAfterFailures) ? 1 : 0);
        // The reason as a label, so an alert can say what the peer did (object-too-large, peer-too-slow, …).
        text.Append("# HELP federation_peer_sync_last_failure 1 for the reason the last pull failed, while it is failing.\n");
        text.Append("# TYPE federation_peer_sync_last_failure gauge\n");
        foreach (var id in ids)
            if (Sync(id) is { ConsecutiveFailures: > 0, LastReason: { } reason })
                text.Append("federation_peer_sync_last_failure{peer=\"").Append(id).Append("\",reason=\"").Append(Label(reason)).Append("\"} 1\n");
        Metric("federation_peer_sync_items_received_total", "counter", "Items pulled, verified and applied.", id => Sync(id).ItemsReceived);
        Metric("federation_peer_sync_bytes_received_total", "counter", "Bytes of objects downloaded.", id => Sync(id).BytesReceived);
        Metric("federation_peer_sync_items_quarantined_total", "counter", "Items refused and quarantined.", id => Sync(id).ItemsQuarantined);
        Metric("federation_peer_sync_last_success_seconds", "gauge", "Unix time of the last successful pull.", id => Sync(id).LastSuccess?.ToUnixTimeSeconds());
        Outbox.Health Push(string id) => outbox.GetValueOrDefault(id) ?? Outbox.Health.None;
        Metric("federation_peer_outbox_pending", "gauge", "Pushes to the peer without a valid receipt yet.", id => Push(id).Pending);
        Metric("federation_peer_outbox_oldest_pending_seconds", "gauge", "Age of the oldest push to the peer without a receipt.", id => Push(id).OldestPendingSeconds ?? 0);
        Metric("federation_peer_outbox_failing", "gauge", "1 when the last push attempt to the peer failed.", id => Push(id).LastError is null ? 0 : 1);
        Metric("federation_peer_reachable", "gauge", "1 when the peer's signed descriptor was last fetched and verified.",
            id => statuses.GetValueOrDefault(id) is { ConsecutiveFailures: 0, LastSuccess: not null } ? 1 : 0);
        return text.ToString();
    }

    /// <summary>Reasons are this node's own codes, but the label escapes what Prometheus would misread anyway.</summary>
    private static string Label(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal);
}

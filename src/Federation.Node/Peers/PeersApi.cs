using Federation.Node.Hosting;
using Federation.Node.Security;
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
        api.MapPost("/refresh", RefreshPeers).RequireAuthorization(Policies.Operator)
            .WithSummary("Refresh every peer's descriptor now (operators).");
    }

    public sealed record PeerView(string NodeId, string BaseUrl, bool Healthy, DateTimeOffset? LastContact, DateTimeOffset? LastSuccess,
        string? LastError, int ConsecutiveFailures, Core.Descriptors.NodeDescriptor? Descriptor);

    private static async Task<IResult> ListPeers(NodeSettingsMonitor settings, IQuerySession session, CancellationToken ct)
    {
        var peers = settings.Current.Peers.Values.OrderBy(p => p.NodeId.Value, StringComparer.Ordinal).ToList();
        var statuses = (await session.LoadManyAsync<PeerStatus>(ct, peers.Select(p => p.NodeId.Value).ToArray())).ToDictionary(s => s.Id);
        return TypedResults.Ok(peers.Select(p => View(p, statuses.GetValueOrDefault(p.NodeId.Value))).ToList());
    }

    private static async Task<IResult> RefreshPeers(PeerMonitor monitor, NodeSettingsMonitor settings, CancellationToken ct)
    {
        var statuses = (await monitor.RefreshAllAsync(ct)).ToDictionary(s => s.Id);
        return TypedResults.Ok(settings.Current.Peers.Values.OrderBy(p => p.NodeId.Value, StringComparer.Ordinal)
            .Select(p => View(p, statuses.GetValueOrDefault(p.NodeId.Value))).ToList());
    }

    private static PeerView View(PeerSettings p, PeerStatus? s) =>
        new(p.NodeId.Value, p.BaseUrl.ToString(), s is { ConsecutiveFailures: 0, LastSuccess: not null }, s?.LastContact, s?.LastSuccess,
            s?.LastError, s?.ConsecutiveFailures ?? 0, s?.Descriptor);
}

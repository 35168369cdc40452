using Microsoft.AspNetCore.Connections.Features;

namespace Federation.Node.Security;

/// <summary>Which listener a connection came in on. Each face serves its own paths and trusts its own CAs.</summary>
public enum NodeFace
{
    /// <summary>Peer nodes, mTLS pinned per peer: <c>/federation/v1/…</c>.</summary>
    Federation,
    /// <summary>People of this agency, client certificates from this agency's CA: <c>/api/v1/…</c>, OpenAPI, dashboard, web console.</summary>
    Agency,
    /// <summary>Local-only health checks: <c>/healthz</c>, <c>/readyz</c>.</summary>
    Health,
}

public static class NodeFaces
{
    private const string ItemKey = "federation.face";

    /// <summary>Kestrel connection middleware that tags every connection of a listener with its face.</summary>
    public static Func<Microsoft.AspNetCore.Connections.ConnectionDelegate, Microsoft.AspNetCore.Connections.ConnectionDelegate> Tag(NodeFace face) =>
        next => connection =>
        {
            connection.Items[ItemKey] = face;
            return next(connection);
        };

    public static NodeFace? Of(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ItemKey, out var face) == true ? (NodeFace)face! : null;

    /// <summary>True when <paramref name="path"/> belongs to <paramref name="face"/>; anything else is 404 there.</summary>
    public static bool Serves(NodeFace face, PathString path) => face switch
    {
        NodeFace.Federation => path.StartsWithSegments("/federation"),
        NodeFace.Agency => path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/hangfire")
            || path.StartsWithSegments("/console") || path == "/",
        NodeFace.Health => path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics"),
        _ => false,
    };
}

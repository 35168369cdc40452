using Federation.Node.Security;

namespace Federation.Node.Hosting;

/// <summary>Each listener serves only its own paths: the federation API is never reachable on the agency port, the
/// dashboard never on the federation port, health never over the network.</summary>
public sealed class FaceRoutingMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (NodeFaces.Of(context) is not { } face || !NodeFaces.Serves(face, context.Request.Path))
        {
            await Problems.Write(context, StatusCodes.Status404NotFound, "not-on-this-port", "not found on this port", null);
            return;
        }
        await next(context);
    }
}

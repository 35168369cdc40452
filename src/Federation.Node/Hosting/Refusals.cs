namespace Federation.Node.Hosting;

/// <summary>The one path from a <see cref="Refusal"/> to RFC 9457 problem details, so no handler catches refusals itself.</summary>
public static class Refusals
{
    /// <summary>Answers a <see cref="Refusal"/> thrown by the endpoint (or the group's endpoints) with problem details titled <paramref name="title"/>.</summary>
    public static TBuilder RefusedAs<TBuilder>(this TBuilder builder, string title) where TBuilder : IEndpointConventionBuilder =>
        builder.RefusedAs(_ => title);

    /// <summary>As <see cref="RefusedAs{TBuilder}(TBuilder, string)"/>, for a title that names what the request asked (a route value).</summary>
    public static TBuilder RefusedAs<TBuilder>(this TBuilder builder, Func<HttpContext, string> title) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Refusal refusal)
            {
                return Problems.Result(refusal.Status, refusal.Reason, title(context.HttpContext), refusal.Detail);
            }
        });
}

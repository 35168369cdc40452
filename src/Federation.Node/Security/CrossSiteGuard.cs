using Federation.Node.Hosting;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace Federation.Node.Security;

/// <summary>
/// Keeps web pages of other origins from acting for a person on the agency port. A browser presents the person's
/// client certificate on every request to the node, whichever page made it, so the certificate alone does not show
/// that the person meant the request. Two rules, both before authentication:
/// <list type="bullet">
/// <item>Any request (API, console, dashboard) that a browser marks as coming from another site
/// (<c>Sec-Fetch-Site: cross-site</c> or <c>same-site</c>, Fetch Metadata §2.1) or from another origin (an
/// <c>Origin</c> header that is not this node's own scheme, host and port, RFC 6454 §7) is refused, 403
/// <c>cross-site-request</c>. <c>curl</c> and <c>fedctl</c> send neither header.</item>
/// <item>An unsafe method under <c>/api</c> must carry a <c>Content-Type</c> the endpoint declares
/// (<see cref="IAcceptsMetadata"/>), else 415 <c>content-type-unsupported</c>. The API declares only types a page
/// cannot send across origins without a CORS preflight the node never answers (JSON, CSV; multipart only where
/// <c>X-Justification</c>, which no form can set, is required too), so this holds even for a browser that sends no
/// fetch metadata. An endpoint that declares nothing accepts nothing: a new route must say what it takes.</item>
/// </list>
/// The console's forms and the Hangfire dashboard keep their antiforgery tokens besides.
/// </summary>
public sealed class CrossSiteGuard(RequestDelegate next)
{
    public const string CrossSiteRequest = "cross-site-request";
    public const string ContentTypeUnsupported = "content-type-unsupported";

    public async Task InvokeAsync(HttpContext http)
    {
        if (NodeFaces.Of(http) is not NodeFace.Agency)
        {
            await next(http);
            return;
        }
        var request = http.Request;
        if (CrossSite(request) is { } why)
        {
            await Problems.Write(http, StatusCodes.Status403Forbidden, CrossSiteRequest, "requests from another site are refused", why);
            return;
        }
        if (!IsUnsafe(request.Method) || !request.Path.StartsWithSegments("/api"))
        {
            await next(http);
            return;
        }
        // Routing has run: a real route says what it takes. Anything else (no route, wrong method, or routing's own
        // 415 endpoint) answers by itself; its bare 415 becomes the same problem below.
        if (http.GetEndpoint() is RouteEndpoint endpoint && !Declares(endpoint, request.ContentType, out var declared))
        {
            await Problems.Write(http, StatusCodes.Status415UnsupportedMediaType, ContentTypeUnsupported, "the content type is not one this endpoint takes",
                declared.Count == 0 ? "this endpoint takes no request from a browser" : $"send Content-Type: {string.Join(" or ", declared)} (a body of {{}} when there is nothing to say)");
            return;
        }
        await next(http);
        if (http.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType && !http.Response.HasStarted)
            await Problems.Write(http, StatusCodes.Status415UnsupportedMediaType, ContentTypeUnsupported, "the content type is not one this endpoint takes", null);
    }

    /// <summary>Why a request comes from another site, or null when it comes from the node's own pages or no browser.</summary>
    internal static string? CrossSite(HttpRequest request)
    {
        // same-origin: the node's own console; none: typed, bookmarked or opened by the person; absent: no browser.
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && !site.Equals("same-origin", StringComparison.OrdinalIgnoreCase) && !site.Equals("none", StringComparison.OrdinalIgnoreCase))
            return $"Sec-Fetch-Site: {site}";
        // A browser that sends Sec-Fetch-Site has said where the request comes from, and no page can forge it. Its
        // Origin is then no better evidence: the console's own form posts carry "Origin: null", because its pages
        // are served with Referrer-Policy: no-referrer. Origin decides only for browsers without fetch metadata.
        if (site.Length > 0) return null;
        // Browsers that send no fetch metadata still send Origin on every unsafe request; "null" (a sandboxed frame, a
        // redirect across origins) is another origin too.
        if (request.Headers.Origin.ToString() is { Length: > 0 } origin && !IsOwnOrigin(request, origin))
            return $"Origin: {origin}";
        return null;
    }

    private static bool IsOwnOrigin(HttpRequest request, string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query)) return false;
        if (!request.Host.HasValue) return false;
        var ownPort = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        return uri.Scheme.Equals(request.Scheme, StringComparison.OrdinalIgnoreCase)
            && uri.Host.Equals(request.Host.Host, StringComparison.OrdinalIgnoreCase)
            && uri.Port == ownPort;
    }

    private static bool IsUnsafe(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    /// <summary>True when the request's content type is one the endpoint declares (parameters such as charset aside).
    /// The last declaration counts, as for routing.</summary>
    private static bool Declares(Endpoint endpoint, string? contentType, out IReadOnlyList<string> declared)
    {
        declared = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? [];
        if (!MediaTypeHeaderValue.TryParse(contentType, out var sent) || sent.MatchesAllTypes || sent.MatchesAllSubTypes) return false;
        foreach (var type in declared)
            if (MediaTypeHeaderValue.TryParse(type, out var accepted) && sent.IsSubsetOf(accepted))
                return true;
        return false;
    }
}

using Federation.Node.Security;
using Microsoft.AspNetCore.Mvc.ApplicationParts;

namespace Federation.Node.Console;

/// <summary>
/// The web console: Razor Pages served on the agency port under <c>/console</c>, signed in with the person's client
/// certificate (the same "person" scheme and policies as the agency API). Pages call the node's services in process.
/// Every unsafe request carries an antiforgery token (Razor Pages validate it on every POST handler).
/// </summary>
public static class ConsoleSetup
{
    public const string PathPrefix = "/console";

    public static IServiceCollection AddNodeConsole(this IServiceCollection services)
    {
        services.AddLocalization();
        services.AddRazorPages(o =>
        {
            o.RootDirectory = PathPrefix;
            // Pages without their own [Authorize] still need a person of this agency; none is anonymous but the
            // status page, which only renders the code the pipeline already chose.
            o.Conventions.AuthorizeFolder("/", Policies.Person);
            o.Conventions.AllowAnonymousToPage("/Status");
        }).AddViewLocalization().ConfigureApplicationPartManager(parts =>
        {
            // Pages are found in the entry assembly by default; when the node is hosted by another program (the
            // integration tests), add the node's own assembly, once.
            var node = typeof(ConsoleSetup).Assembly;
            if (parts.ApplicationParts.OfType<AssemblyPart>().All(p => p.Assembly != node))
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(node).GetApplicationParts(node))
                    parts.ApplicationParts.Add(part);
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "federation-console-af";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // The whole port, not just /console: the Hangfire dashboard (/hangfire) validates its POSTs with this same
            // antiforgery service, and a cookie scoped to /console never comes back to it.
            o.Cookie.Path = "/";
            o.HeaderName = "X-CSRF-TOKEN";
            o.FormFieldName = "__RequestVerificationToken";
        });
        services.AddSingleton<ConsultationVisits>();
        services.AddSingleton<ConsoleNavigation>();
        services.AddSingleton<global::Federation.Node.Lists.ReleasePreview>();
        return services;
    }

    /// <summary>Console pages: friendly status pages, strict security headers, the assets and the pages themselves.</summary>
    public static void MapNodeConsole(this WebApplication app)
    {
        app.MapGet("/", () => TypedResults.Redirect(PathPrefix)).RequireAuthorization(Policies.Person).ExcludeFromDescription();
        app.MapConsoleAssets();
        app.MapRazorPages();
    }

    /// <summary>Runs before authentication: for console paths only, security headers, and HTML status pages
    /// instead of the API's empty or problem responses.</summary>
    public static void UseNodeConsole(this WebApplication app) =>
        app.UseWhen(IsConsole, branch =>
        {
            branch.Use(async (http, next) =>
            {
                var h = http.Response.Headers;
                // No inline script or style anywhere in the console: everything comes from /console/assets.
                h.ContentSecurityPolicy = "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
                h.XContentTypeOptions = "nosniff";
                h["Referrer-Policy"] = "no-referrer";
                h.CacheControl = "no-store";
                await next(http);
            });
            branch.UseStatusCodePagesWithReExecute(PathPrefix + "/status/{0}");
        });

    public static bool IsConsole(HttpContext http) =>
        http.Request.Path.StartsWithSegments(PathPrefix) || http.Request.Path == "/";
}

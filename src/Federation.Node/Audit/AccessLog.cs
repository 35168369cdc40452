using System.Security.Claims;
using System.Security.Cryptography;
using Federation.Node.Hosting;
using Federation.Node.Security;
using Marten;

namespace Federation.Node.Audit;

/// <summary>
/// Records consultations (EU LED Art. 25). Put <see cref="RequireJustification{TBuilder}"/> on an agency endpoint or
/// group: a request without a valid justification is refused (400 problem, nothing runs), and one with it is
/// recorded as an <see cref="AccessRecorded"/> event, committed before the endpoint runs.
/// </summary>
public sealed class AccessLog(IDocumentStore store, TimeProvider time)
{
    public const string StreamPrefix = "access:";

    public async Task<AccessRecorded> RecordAsync(HttpContext http, string justification, CancellationToken ct)
    {
        var person = http.User.FindFirst(ClientCertificatePolicy.PersonClaim)?.Value
            ?? throw new InvalidOperationException("A consultation is recorded for an authenticated person only; authorise the endpoint first.");
        var cert = http.Connection.ClientCertificate;
        var record = new AccessRecorded(person, [.. http.User.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal)],
            cert?.Subject ?? "", cert is null ? "" : Convert.ToHexStringLower(SHA256.HashData(cert.RawData)),
            http.Request.Method, http.Request.Path + http.Request.QueryString, justification, time.GetUtcNow());
        await using var session = store.LightweightSession();
        session.Events.Append(StreamPrefix + person, record);
        await session.SaveChangesAsync(ct);
        return record;
    }

    private sealed class Filter(AccessLog log) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var http = context.HttpContext;
            if (!Justification.TryRead(http.Request, out var justification, out var reason, out var detail))
                return Problems.Result(StatusCodes.Status400BadRequest, reason, "a justification is required for this consultation", detail);
            await log.RecordAsync(http, justification, http.RequestAborted);
            return await next(context);
        }
    }

    /// <summary>Adds the justification check and the access record to an endpoint or a group of endpoints.</summary>
    public static TBuilder RequireJustification<TBuilder>(TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, Filter>();
}

public static class AccessLogExtensions
{
    /// <inheritdoc cref="AccessLog.RequireJustification{TBuilder}"/>
    public static TBuilder RequireJustification<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        AccessLog.RequireJustification(builder);

    public static IServiceCollection AddAccessLog(this IServiceCollection services) => services.AddSingleton<AccessLog>();
}

using Federation.Node.Hosting;
using Federation.Node.Storage;
using Marten;
using Npgsql;

namespace Federation.Node.Audit;

/// <summary>
/// Records consultations (EU LED Art. 25). Put <see cref="RequireJustification{TBuilder}(TBuilder)"/> on an agency endpoint or
/// group: a request without a valid justification is refused (400 problem, nothing runs), and one with it is
/// recorded as an <see cref="AccessRecorded"/> event, committed before the endpoint runs.
/// </summary>
public sealed class AccessLog(IDocumentStore store, NpgsqlDataSource db, TimeProvider time)
{
    public const string StreamPrefix = "access:";

    public async Task<AccessRecorded> RecordAsync(HttpContext http, string justification, CancellationToken ct) =>
        await RecordAsync(Consultant.Of(http), http.Request.Method, http.Request.Path + http.Request.QueryString, justification, null, ct);

    /// <summary>
    /// Records a consultation made in-process (the web console) or by an endpoint that states what it looked up
    /// (<paramref name="queried"/>, e.g. the hashes of a match). Commits before returning, so the caller consults only
    /// once the record is stored.
    /// </summary>
    public async Task<AccessRecorded> RecordAsync(Consultant who, string method, string resource, string justification,
        IReadOnlyList<string>? queried, CancellationToken ct)
    {
        var record = new AccessRecorded(who.Person, who.Roles, who.CertificateSubject, who.CertificateSha256,
            method, resource, justification, time.GetUtcNow(), queried);
        var stream = StreamPrefix + who.Person;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await StreamLock.HoldAsync(conn, tx, stream, ct);
        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx));
        session.Events.Append(stream, record);
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return record;
    }

    /// <summary>The justification checked by a filter added with <c>recordedByEndpoint: true</c>, for the endpoint to record.</summary>
    public static string JustificationOf(HttpContext http) =>
        http.Items[typeof(Justification)] as string
            ?? throw new InvalidOperationException("The endpoint records its own consultation but has no RequireJustification(recordedByEndpoint: true).");

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

    // For endpoints that learn what they look up only while they run (a match hashes its upload first): the
    // justification is checked here, and the endpoint records it with what it queried before consulting anything.
    private sealed class CheckOnlyFilter : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var http = context.HttpContext;
            if (!Justification.TryRead(http.Request, out var justification, out var reason, out var detail))
                return Problems.Result(StatusCodes.Status400BadRequest, reason, "a justification is required for this consultation", detail);
            http.Items[typeof(Justification)] = justification;
            return await next(context);
        }
    }

    /// <summary>Adds the justification check and the access record to an endpoint or a group of endpoints.</summary>
    public static TBuilder RequireJustification<TBuilder>(TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, Filter>();

    /// <summary>
    /// As <see cref="RequireJustification{TBuilder}(TBuilder)"/>, but when <paramref name="recordedByEndpoint"/> the
    /// endpoint itself must call <see cref="RecordAsync(Consultant, string, string, string, IReadOnlyList{string}?, CancellationToken)"/>
    /// with <see cref="JustificationOf"/> before it consults anything.
    /// </summary>
    public static TBuilder RequireJustification<TBuilder>(TBuilder builder, bool recordedByEndpoint) where TBuilder : IEndpointConventionBuilder =>
        recordedByEndpoint ? builder.AddEndpointFilter<TBuilder, CheckOnlyFilter>() : builder.AddEndpointFilter<TBuilder, Filter>();
}

public static class AccessLogExtensions
{
    /// <inheritdoc cref="AccessLog.RequireJustification{TBuilder}(TBuilder)"/>
    public static TBuilder RequireJustification<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        AccessLog.RequireJustification(builder);

    /// <inheritdoc cref="AccessLog.RequireJustification{TBuilder}(TBuilder, bool)"/>
    public static TBuilder RequireJustification<TBuilder>(this TBuilder builder, bool recordedByEndpoint) where TBuilder : IEndpointConventionBuilder =>
        AccessLog.RequireJustification(builder, recordedByEndpoint);

    public static IServiceCollection AddAccessLog(this IServiceCollection services) => services.AddSingleton<AccessLog>();
}

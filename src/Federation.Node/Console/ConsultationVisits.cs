using System.Security.Cryptography;
using Federation.Node.Audit;
using Federation.Node.Security;
using Microsoft.AspNetCore.DataProtection;

namespace Federation.Node.Console;

/// <summary>
/// A console visit to data that is a consultation (the access log, the node's own log): the person states why once,
/// and every view during the visit is recorded in the access log with that justification, exactly as the agency API
/// records a request with <c>X-Justification</c> (<see cref="AccessLog"/>, the same rules via <see cref="Justification"/>).
/// The visit travels as an encrypted, person-bound, time-limited token in a hidden form field, never in a URL.
/// </summary>
public sealed class ConsultationVisits(IDataProtectionProvider protection, AccessLog log)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    public const string FieldName = "visit";
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Federation.Node.Console.Visit").ToTimeLimitedDataProtector();

    /// <summary>The outcome of a view: the token to carry on, or why the view may not proceed.</summary>
    public sealed record Outcome(string? Token, string? Justification, string? Error)
    {
        public bool Allowed => Token is not null;
    }

    /// <summary>Starts a visit (a justification typed now) or continues one (a token from the form), and records the view.</summary>
    public async Task<Outcome> ViewAsync(HttpContext http, string? what, string? typed, string? token, CancellationToken ct)
    {
        var person = http.User.FindFirst(ClientCertificatePolicy.PersonClaim)?.Value
            ?? throw new InvalidOperationException("A consultation needs an authenticated person.");
        string justification;
        if (!string.IsNullOrEmpty(token))
        {
            if (Unprotect(token) is not { } visit || visit.Person != person || visit.What != what)
                return new Outcome(null, null, "visit-expired");
            justification = visit.Justification;
        }
        else
        {
            // The same validation as the API's header, fed the typed text percent-encoded as a browser would send it.
            var probe = new DefaultHttpContext();
            probe.Request.Headers[Justification.Header] = Uri.EscapeDataString(typed ?? "");
            if (!Justification.TryRead(probe.Request, out var checkedText, out var reason, out _))
                return new Outcome(null, null, reason);
            justification = checkedText;
        }
        await log.RecordAsync(http, justification, ct);
        var next = _protector.Protect($"{person}\n{what}\n{justification}", Lifetime);
        return new Outcome(next, justification, null);
    }

    private (string Person, string What, string Justification)? Unprotect(string token)
    {
        try
        {
            var parts = _protector.Unprotect(token).Split('\n', 3);
            return parts.Length == 3 ? (parts[0], parts[1], parts[2]) : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Federation.Node.Hosting;

/// <summary>RFC 9457 problem details with a stable <c>reason</c> code that clients and tests can rely on.</summary>
public static class Problems
{
    public const string TypeBase = "urn:federation:problem:";

    public static ProblemDetails Create(int status, string reason, string title, string? detail) => new()
    {
        Status = status,
        Type = TypeBase + reason,
        Title = title,
        Detail = detail,
        Extensions = { ["reason"] = reason },
    };

    public static ProblemHttpResult Result(int status, string reason, string title, string? detail = null) =>
        TypedResults.Problem(Create(status, reason, title, detail));

    public static async Task Write(HttpContext http, int status, string reason, string title, string? detail)
    {
        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(Create(status, reason, title, detail), options: null, contentType: "application/problem+json");
    }
}

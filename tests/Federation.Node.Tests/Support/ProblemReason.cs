using System.Net;
using System.Text.Json;

namespace Federation.Node.Tests.Support;

public static class ProblemReason
{
    /// <summary>Asserts an RFC 9457 problem with the given status and returns its <c>reason</c>.</summary>
    public static async Task<string> Of(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("reason").GetString()!;
    }
}

using System.Net;
using System.Text.RegularExpressions;

namespace Federation.Node.Tests.Support;

/// <summary>What a console test needs to post a form as a browser would.</summary>
public static partial class ConsoleForms
{
    /// <summary>The antiforgery request token the page gives this person (its cookie stays in the client).</summary>
    public static async Task<string> TokenAsync(HttpClient client, string page)
    {
        using var response = await client.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var match = CsrfMeta().Match(await response.Content.ReadAsStringAsync());
        Assert.True(match.Success, "the page carries no antiforgery token");
        return match.Groups[1].Value;
    }

    /// <summary>The antiforgery request token in a page already fetched (empty when it has none).</summary>
    public static string TokenIn(string html) => CsrfMeta().Match(html).Groups[1].Value;

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\">")]
    private static partial Regex CsrfMeta();
}

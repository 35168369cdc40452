using Federation.Node.Security;

namespace Federation.Node.Ledger;

/// <summary>The log's read API: for peers on the federation port, for auditors on the agency port.</summary>
public static class LedgerApi
{
    public const string TextContentType = "text/plain; charset=utf-8";

    public static void MapLedgerApi(this IEndpointRouteBuilder app)
    {
        var federation = app.MapGroup("/federation/v1/log").RequireAuthorization(Policies.Peer);
        federation.MapGet("/key", (LedgerSettings ledger) => TypedResults.Text(ledger.LogKey.Verifier + "\n", TextContentType));
    }
}

using System.Net;
using System.Text.Json;
using Federation.Core.Pki;
using Federation.Node.Messaging;
using Federation.Node.Sync;
using Federation.Node.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Federation.Node.Tests;

/// <summary>
/// The sender accepts only a receipt that fr-ofmin's signing certificate signed under fr-ofmin's pinned CA and that
/// names exactly what was pushed. An impostor holding fr-ofmin's TLS certificate and key (so the connection itself
/// checks out) answers with a receipt signed by another node, then with one of fr-ofmin's that names another object:
/// the push stays pending with the reason, and is delivered once the real fr-ofmin is back.
/// </summary>
public sealed class PushReceiptTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    private enum Forgery { OtherSigner, OtherObject }

    [Fact]
    public async Task A_forged_or_mismatching_receipt_is_not_accepted_and_the_push_stays_pending()
    {
        await nodes.Fr.StopAsync();
        var forgery = Forgery.OtherSigner;
        var impostor = await StartImpostor(nodes.Fr.FederationPort, () => forgery);
        SentMessage sent;
        try
        {
            sent = await PushSteps.SendAsync(nodes.Kr, nodes.Fr);

            var forged = await PushSteps.DeliverAsync(nodes.Kr, nodes.Fr);
            Assert.Equal((0, 1), (forged.Delivered, forged.Failed));
            Assert.Contains(RejectionReasons.ChainUntrusted, forged.LastError, StringComparison.Ordinal);

            forgery = Forgery.OtherObject;
            var mismatching = await PushSteps.DeliverAsync(nodes.Kr, nodes.Fr);
            Assert.Equal((0, 1), (mismatching.Delivered, mismatching.Failed));
            Assert.Contains("receipt-mismatch", mismatching.LastError, StringComparison.Ordinal);

            Assert.Equal(1, await PushSteps.CountAsync(nodes.Kr, "SELECT count(*) FROM fed.outbox WHERE recipient = 'fr-ofmin' AND delivered IS NULL"));
            Assert.Equal(0, await PushSteps.CountAsync(nodes.Kr, "SELECT count(*) FROM fed.mt_events WHERE type = 'push_receipt_stored'"));
        }
        finally
        {
            await impostor.StopAsync();
            await impostor.DisposeAsync();
            await nodes.Fr.StartAsync();
        }

        var real = await PushSteps.DeliverAsync(nodes.Kr, nodes.Fr);
        Assert.Equal(1, real.Delivered);
        Assert.Equal(1, await PushSteps.CountAsync(nodes.Kr, "SELECT count(*) FROM fed.mt_events WHERE type = 'push_receipt_stored' AND data->>'ItemId' = $1", sent.Id));
    }

    private static async Task<WebApplication> StartImpostor(int port, Func<Forgery> forgery)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var tls = PemFiles.LoadWithKey(Repo.CertsDev("fr-ofmin", "node-tls.crt"), Repo.CertsDev("fr-ofmin", "node-tls.key"));
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = tls,
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = (_, _, _) => true,
        })));
        var app = builder.Build();
        app.MapPost("/federation/v1/inbox", async (HttpContext http) =>
        {
            var request = (await JsonSerializer.DeserializeAsync<InboxApi.InboxRequest>(http.Request.Body, JsonSerializerOptions.Web))!;
            var e = request.Item;
            var receipt = new PushReceipt(1, "fr-ofmin", e.Origin, e.Kind, e.Id, e.Position, e.ContentSha256, DateTimeOffset.UtcNow);
            var signer = forgery() == Forgery.OtherSigner ? "nl-police" : "fr-ofmin";
            if (forgery() == Forgery.OtherObject) receipt = receipt with { Sha256 = new string('a', 64) };
            using var key = PemFiles.LoadWithKey(Repo.CertsDev(signer, "node-signing.crt"), Repo.CertsDev(signer, "node-signing.key"));
            return Results.Bytes(receipt.Sign(key, TimeProvider.System), PushReceipt.MediaType);
        });
        await app.StartAsync();
        return app;
    }
}

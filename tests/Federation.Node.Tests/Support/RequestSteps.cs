using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Federation.Core.Identity;
using Federation.Core.Requests;
using Federation.Node.Audit;
using Federation.Node.Requests;
using Federation.Node.Sync;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests.Support;

/// <summary>Drives cross-border requests through the agency API of test nodes, as a person of that agency.</summary>
public static class RequestSteps
{
    public static RequestDetails Preservation => new()
    {
        IssuingAuthority = "KNPA Cyber Bureau",
        Description = "Distribution of a sexual deepfake video of an identified victim",
        LegalProvisions = ["Act on Special Cases concerning the Punishment of Sexual Crimes, Art 14-2"],
        OffenceCategory = "deepfake-ncii",
        ServiceProvider = "ExampleHost SAS",
        Identifiers = [new TargetIdentifier("account", "uploader-4711")],
        Custodian = "ExampleHost SAS, Paris",
        FollowUpIntended = true,
    };

    public static RequestDetails Disclosure => Preservation with
    {
        Custodian = null, FollowUpIntended = null, DataCategories = [DataCategory.Subscriber],
        TimeFrom = DateTimeOffset.Parse("2026-01-01T00:00:00Z"), TimeTo = DateTimeOffset.Parse("2026-02-01T00:00:00Z"),
        NecessityProportionality = "The account is the only lead to the uploader.",
        HashRefs = [new HashReference("kr-knpa/demo-deepfakes", 1, "sha256", new string('c', 64))],
    };

    public static async Task<RequestDesk.RequestView> DraftAsync(TestNode node, string person, RequestType type, string profile, string to,
        RequestDetails details, Priority priority = Priority.Normal, IReadOnlyList<CaseLink>? links = null)
    {
        using var client = Clients.DevPerson(node.NodeId, person, node);
        var body = new RequestDesk.NewRequest(type, profile, priority, to, "KR-2026-0042", details, links);
        using var response = await client.PostAsJsonAsync("api/v1/requests", body, RequestJson.Options);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RequestDesk.RequestView>(RequestJson.Options))!;
    }

    /// <summary>A request drafted by <paramref name="from"/>'s officer to <paramref name="to"/>, approved by its supervisor and sent (not yet pushed).</summary>
    public static async Task<CaseRef> SentAsync(TestNode from, TestNode to, RequestType type, string profile, RequestDetails details)
    {
        var caseRef = (await DraftAsync(from, "officer", type, profile, to.NodeId, details)).Case.Case;
        await ActAsync(from, "officer", caseRef, "submit");
        await ActAsync(from, "supervisor", caseRef, "approve");
        await ActAsync(from, "officer", caseRef, "send");
        return caseRef;
    }

    /// <summary>As <see cref="SentAsync"/>, then pushed: <paramref name="to"/> holds the case, delivered.</summary>
    public static async Task<CaseRef> DeliveredAsync(TestNode from, TestNode to, RequestType type, string profile, RequestDetails details)
    {
        var caseRef = await SentAsync(from, to, type, profile, details);
        await PushAsync(from, to);
        return caseRef;
    }

    public static async Task<HttpResponseMessage> TryActAsync(TestNode node, string person, CaseRef caseRef, string action, object? body = null)
    {
        using var client = Clients.DevPerson(node.NodeId, person, node);
        return await client.PostAsync($"api/v1/requests/{caseRef}/actions/{action}",
            JsonContent.Create(body ?? new JsonObject(), options: RequestJson.Options));
    }

    public static async Task<RequestDesk.RequestView> ActAsync(TestNode node, string person, CaseRef caseRef, string action, object? body = null)
    {
        using var response = await TryActAsync(node, person, caseRef, action, body);
        Assert.True(response.IsSuccessStatusCode, $"{action} by {person} on {node.NodeId}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<RequestDesk.RequestView>(RequestJson.Options))!;
    }

    public static async Task<RequestDesk.RequestView> GetAsync(TestNode node, string person, CaseRef caseRef)
    {
        using var client = Clients.DevPerson(node.NodeId, person, node);
        client.DefaultRequestHeaders.Add(Justification.Header, "case follow-up");
        using var response = await client.GetAsync($"api/v1/requests/{caseRef}");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RequestDesk.RequestView>(RequestJson.Options))!;
    }

    /// <summary>Pushes <paramref name="from"/>'s outbox to <paramref name="to"/> (the pump is off in tests) until both are quiet.</summary>
    public static async Task PushAsync(TestNode from, TestNode to)
    {
        for (var round = 0; round < 5; round++)
        {
            var a = await from.Services.GetRequiredService<OutboxDelivery>().DeliverAsync(NodeId.Parse(to.NodeId), force: true, CancellationToken.None);
            var b = await to.Services.GetRequiredService<OutboxDelivery>().DeliverAsync(NodeId.Parse(from.NodeId), force: true, CancellationToken.None);
            Assert.True(a.LastError is null, $"{from.NodeId} to {to.NodeId}: {a.LastError}");
            Assert.True(b.LastError is null, $"{to.NodeId} to {from.NodeId}: {b.LastError}");
            if (a.Delivered == 0 && b.Delivered == 0) return;
        }
    }

    /// <summary>
    /// The shared history as both sides must hold it: sequence, action, who, when, the signed document's digest, and which
    /// step superseded it or which it reissues. Each node lists steps in the order it recorded them, which differs when steps
    /// crossed; the shared order is by sequence number, the step that counts before the ones it superseded.
    /// </summary>
    public static IReadOnlyList<string> SharedHistory(RequestDesk.RequestView view) =>
        [.. view.History.Where(h => h.Seq is not null).OrderBy(h => h.Seq).ThenBy(h => h.SupersededBy is not null).ThenBy(h => h.DocumentSha256, StringComparer.Ordinal)
            .Select(h => $"{h.Seq} {h.Action} {h.Node} {h.Person} {h.Role} {h.At:O} {h.DocumentSha256} superseded-by:{h.SupersededBy} reissues:{h.Reissues}")];

    public static string SharedState(RequestDesk.RequestView view) => JsonSerializer.Serialize(view.Case.SharedView(), RequestJson.Options);
}

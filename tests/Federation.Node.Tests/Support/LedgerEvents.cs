using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests.Support;

/// <summary>Test events and the two things most ledger tests do: append some, and get a checkpoint signed.</summary>
public static class LedgerEvents
{
    public sealed record CaseNoted(string CaseId, string Note, decimal Amount, int Attempt);

    public static async Task AppendAsync(TestNode node, int count, string stream = "case:test")
    {
        await using var session = node.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        for (var i = 0; i < count; i++) session.Events.Append(stream, new CaseNoted(stream, $"note {i}", i, 0));
        await session.SaveChangesAsync();
    }

    /// <summary>Signs a checkpoint of the current tree, waiting out the node's minimum interval (set it to 1 s in tests).</summary>
    public static async Task<StoredCheckpoint> SignAsync(TestNode node)
    {
        var checkpoints = node.Services.GetRequiredService<LedgerCheckpoints>();
        for (var attempt = 0; attempt < 40; attempt++)
        {
            if (await checkpoints.SignIfDueAsync(CancellationToken.None) is { } signed) return signed;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{node.NodeId} signed no checkpoint within 4 s");
    }

    public static void FastCheckpoints(System.Text.Json.Nodes.JsonObject config) =>
        config["Node"]!["Ledger"] = new System.Text.Json.Nodes.JsonObject { ["CheckpointSeconds"] = 1 };

    /// <summary>Gives the node a fresh log key named <paramref name="origin"/>, as an operator setting Node:Ledger:Origin
    /// would, with 1 s checkpoints.</summary>
    public static void OwnLogKey(System.Text.Json.Nodes.JsonObject config, string origin)
    {
        var path = Path.Combine(Path.GetTempPath(), $"fed-log-{Guid.NewGuid():N}.key");
        File.WriteAllText(path, Ed25519NoteSigner.GenerateKey(origin).SignerKey);
        config["Node"]!["Certificates"]!["LogKey"] = path;
        config["Node"]!["Ledger"] = new System.Text.Json.Nodes.JsonObject { ["CheckpointSeconds"] = 1, ["Origin"] = origin };
    }

    public static NoteVerifier PublishedLogKey(string node) => NoteVerifier.Parse(File.ReadAllText(Repo.CertsDev(node, "log.vkey")).Trim());

    public static NoteVerifier PublishedWitnessKey(string node) => NoteVerifier.Parse(File.ReadAllText(Repo.CertsDev(node, "witness.vkey")).Trim());
}

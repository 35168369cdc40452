using System.Net;
using System.Text.Json;
using Federation.Cli.Hosting;
using Federation.Core.Identity;

namespace Federation.Cli.Sync;

/// <summary><c>fedctl sync now</c>: asks a node (as an operator) to pull its peers' feeds at once.</summary>
public static class SyncCommand
{
    public const string Usage = """
        fedctl sync now --node <agency-url> --cert <operator.crt> --key <operator.key> --ca <ca.crt> [--peer <node-id>] [--wait]
        """;

    public static int Run(string[] args, TextWriter stdout, TimeProvider time)
    {
        if (args.Length == 0 || args[0] != "now") throw new CliException($"usage:\n{Usage}", 2);
        var a = CliArgs.Parse(args[1..], ["node", "cert", "key", "ca", "peer"], ["wait"]);
        return RunAsync(a, stdout, time).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(CliArgs a, TextWriter stdout, TimeProvider time)
    {
        using var node = NodeConnection.Open(a, time);
        List<string> peers;
        if (a.Optional("peer") is { } one)
        {
            if (!NodeId.TryParse(one, out _)) throw new CliException($"--peer: '{one}' is not a valid node id", 2);
            peers = [one];
        }
        else
        {
            using var list = await node.SendAsync(HttpMethod.Get, "api/v1/peers");
            if (list.StatusCode != HttpStatusCode.OK) throw await NodeConnection.ProblemAsync(list);
            using var doc = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
            peers = doc.RootElement.EnumerateArray().Select(p => p.GetProperty("nodeId").GetString()!).ToList();
        }
        var failed = 0;
        foreach (var peer in peers)
        {
            using var response = await node.SendAsync(HttpMethod.Post, $"api/v1/peers/{peer}/sync?wait={(a.Flag("wait") ? "true" : "false")}",
                // No body, but the node takes unsafe requests only with a declared content type (docs/security.md).
                new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                stdout.WriteLine($"{peer}: pull queued");
                continue;
            }
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var problem = await NodeConnection.ProblemAsync(response);
                stdout.WriteLine($"{peer}: FAILED {problem.Message}");
                failed++;
                continue;
            }
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var r = doc.RootElement;
            stdout.WriteLine($"{peer}: ok, {r.GetProperty("applied").GetInt32()} applied, {r.GetProperty("quarantined").GetInt32()} quarantined, " +
                $"lag {r.GetProperty("sync").GetProperty("lag").GetInt64()}");
        }
        if (failed > 0) throw new CliException($"{failed} of {peers.Count} pulls failed");
        return 0;
    }
}

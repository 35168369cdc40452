using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Federation.Node.Hosting;
using Federation.Node.Peers;
using Federation.Node.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests;

public sealed class PeerDescriptorTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    [Fact]
    public async Task A_configured_peer_fetches_the_descriptor_and_it_verifies_and_names_the_node()
    {
        var monitor = nodes.Fr.Services.GetRequiredService<PeerMonitor>();
        var statuses = await monitor.RefreshAllAsync(CancellationToken.None);

        var kr = Assert.Single(statuses);
        Assert.Null(kr.LastError);
        Assert.Equal("kr-knpa", kr.Descriptor!.NodeId);
        Assert.Equal($"https://localhost:{nodes.Kr.FederationPort}", kr.Descriptor.FederationUrl);

        // The fact is an event in fr-ofmin's history; the status is readable through the agency API.
        await using var session = nodes.Fr.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(PeerMonitor.Stream("kr-knpa"));
        Assert.Contains(events, e => e.Data is PeerDescriptorAccepted a && a.PeerId == "kr-knpa");
        using var op = Clients.DevPerson("fr-ofmin", "operator", nodes.Fr);
        using var doc = JsonDocument.Parse(await op.GetStringAsync("api/v1/peers"));
        var peer = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.True(peer.GetProperty("healthy").GetBoolean());
        Assert.Equal("kr-knpa", peer.GetProperty("descriptor").GetProperty("nodeId").GetString());
    }

    [Fact]
    public async Task A_peer_that_is_down_is_recorded_with_its_error_and_does_not_block_the_others()
    {
        using var op = Clients.DevPerson("kr-knpa", "operator", nodes.Kr);
        using var response = await op.PostAsync("api/v1/peers/refresh", Clients.EmptyJson());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var byId = doc.RootElement.EnumerateArray().ToDictionary(p => p.GetProperty("nodeId").GetString()!);
        Assert.True(byId["fr-ofmin"].GetProperty("healthy").GetBoolean());
        Assert.False(byId["nl-police"].GetProperty("healthy").GetBoolean());
        Assert.Contains("refused", byId["nl-police"].GetProperty("lastError").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.True(byId["nl-police"].GetProperty("consecutiveFailures").GetInt32() >= 1);
    }

    [Fact]
    public async Task Overlapping_first_contacts_with_a_peer_all_succeed_and_record_its_descriptor_once()
    {
        // Another fr-ofmin, with a database that has never seen kr-knpa: the witness endpoint and cosigning refresh a
        // peer on first contact, so a peer's first refreshes can overlap.
        await using var fr = new TestNode("fr-ofmin");
        fr.Peers.Add(nodes.Kr);
        await fr.StartAsync();
        var monitor = fr.Services.GetRequiredService<PeerMonitor>();
        var kr = fr.Services.GetRequiredService<NodeSettingsMonitor>().Current.Peers.Values.Single();
        // kr-knpa keeps serving the descriptor it signed first; before it has one, requests at once may each get their
        // own, signed at its own time, and each would rightly be a new descriptor.
        using (var client = Clients.DevNodeClient("fr-ofmin", nodes.Kr))
            await client.GetByteArrayAsync(PeerMonitor.DescriptorPath);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => monitor.RefreshAsync(kr, CancellationToken.None)));

        Assert.All(statuses, s => Assert.Null(s.LastError));
        await using var session = fr.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(PeerMonitor.Stream("kr-knpa"));
        Assert.Single(events, e => e.Data is PeerDescriptorAccepted);
    }

    [OpenSslFact]
    public async Task OpenSsl_accepts_the_descriptor_and_rejects_it_after_one_byte_of_content_changes()
    {
        using var client = Clients.DevNodeClient("fr-ofmin", nodes.Kr);
        var envelope = await client.GetByteArrayAsync("federation/v1/node");
        var ca = Repo.CertsDev("kr-knpa", "ca.crt");

        var ok = OpenSsl.CmsVerify(envelope, ca);
        Assert.True(ok.ExitCode == 0, ok.Output);
        Assert.Contains("\"nodeId\":\"kr-knpa\"", ok.Output, StringComparison.Ordinal);

        var tampered = (byte[])envelope.Clone();
        var at = IndexOf(tampered, Encoding.UTF8.GetBytes("\"nodeId\":\"kr-knpa\"")) + "\"nodeId\":\"".Length;
        tampered[at] = (byte)'x';
        var bad = OpenSsl.CmsVerify(tampered, ca);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("verif", bad.Output, StringComparison.OrdinalIgnoreCase);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException("needle not found");
    }
}

/// <summary>A fact that is skipped, visibly, on a machine without the openssl command.</summary>
public sealed class OpenSslFactAttribute : FactAttribute
{
    public OpenSslFactAttribute()
    {
        if (!OpenSsl.Available) Skip = "openssl is not installed on this machine";
    }
}

public static class OpenSsl
{
    public static bool Available { get; } = File.Exists("/usr/bin/openssl");

    public static (int ExitCode, string Output) CmsVerify(byte[] envelope, string caFile)
    {
        var path = Path.GetTempFileName();
        File.WriteAllBytes(path, envelope);
        try
        {
            var psi = new ProcessStartInfo("openssl", ["cms", "-verify", "-inform", "DER", "-in", path, "-CAfile", caFile, "-purpose", "any"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            return (p.ExitCode, output.Result + error.Result);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

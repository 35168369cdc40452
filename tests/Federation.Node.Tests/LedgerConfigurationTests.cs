using System.Text.Json.Nodes;
using Federation.Core.Ledger;
using Federation.Node.Hosting;
using Federation.Node.Tests.Support;

namespace Federation.Node.Tests;

/// <summary>The log and witness keys, the checkpoint cadence and the outside witnesses are checked before the node starts.</summary>
public sealed class LedgerConfigurationTests
{
    public static TheoryData<string, Action<JsonObject>, string> BadValues => new()
    {
        { "Node:Certificates:LogKey", c => Certs(c).Remove("LogKey"), "is required" },
        { "Node:Certificates:LogKey", c => Certs(c)["LogKey"] = "certs-dev/kr-knpa/missing.key", "does not exist" },
        { "Node:Certificates:LogKey", c => Certs(c)["LogKey"] = "certs-dev/kr-knpa/witness.key", "not a C2SP signer key of the expected type" },
        { "Node:Certificates:LogKey", c => Certs(c)["LogKey"] = "certs-dev/kr-knpa/log.vkey", "not a C2SP signer key of the expected type" },
        { "Node:Certificates:WitnessKey", c => Certs(c)["WitnessKey"] = "certs-dev/kr-knpa/log.key", "not a C2SP signer key of the expected type" },
        { "Node:Certificates:LogKey", c => Certs(c)["LogKey"] = "certs-dev/fr-ofmin/log.key", "not the default origin 'federation.node/kr-knpa/log'" },
        { "Node:Ledger:Origin", c => c["Node"]!["Ledger"] = new JsonObject { ["Origin"] = "federation.node/kr-knpa/other" }, "must equal the log key's name" },
        { "Node:Ledger:CheckpointSeconds", c => c["Node"]!["Ledger"] = new JsonObject { ["CheckpointSeconds"] = "0" }, "from 1 to 3600" },
        { "Node:Ledger:CheckpointMinutes", c => c["Node"]!["Ledger"] = new JsonObject { ["CheckpointSeconds"] = "600", ["CheckpointMinutes"] = "5" }, "not be shorter" },
        { "Node:Ledger:Witnesses:0:Name", c => Witness(c, w => w.Remove("Name")), "is required" },
        { "Node:Ledger:Witnesses:0:Name", c => Witness(c, w => w["Name"] = "witness test"), "no spaces and no '+'" },
        { "Node:Ledger:Witnesses:1:Name", c => Witness(c, _ => { }, twice: true), "names another configured witness" },
        { "Node:Ledger:Witnesses:0:Url", c => Witness(c, w => w["Url"] = "http://witness.example/"), "must be an absolute https URL" },
        { "Node:Ledger:Witnesses:0:Url", c => Witness(c, w => w["Url"] = "https://witness.example/?x=1"), "without query" },
        { "Node:Ledger:Witnesses:0:VerifierKey", c => Witness(c, w => w.Remove("VerifierKey")), "is required" },
        { "Node:Ledger:Witnesses:0:VerifierKey", c => Witness(c, w => w["VerifierKey"] = "not a key"), "is not a C2SP verifier key" },
        { "Node:Ledger:Witnesses:0:VerifierKey", c => Witness(c, w => w["VerifierKey"] = File.ReadAllText(Repo.CertsDev("kr-knpa", "log.vkey")).Trim()), "must be a cosignature/v1 key" },
        { "Node:Ledger:Witnesses:0:VerifierKey", c => Witness(c, w => w["VerifierKey"] = CosignatureV1Signer.GenerateKey("witness.test/other").VerifierKey), "not the witness's Name" },
        { "Node:Ledger:Witnesses:0:CaCertificate", c => Witness(c, w => w["CaCertificate"] = "certs-dev/kr-knpa/missing.crt"), "does not exist" },
        { "Node:Ledger:Witnesses:0:CaCertificate", c => Witness(c, w => w["CaCertificate"] = "certs-dev/kr-knpa/node-tls.crt"), "is not a CA certificate" },
    };

    /// <summary>One valid outside witness (or two of the same name), changed by <paramref name="change"/>.</summary>
    private static void Witness(JsonObject c, Action<JsonObject> change, bool twice = false)
    {
        var witness = new JsonObject
        {
            ["Name"] = "witness.test/w",
            ["Url"] = "https://witness.example/w",
            ["VerifierKey"] = CosignatureV1Signer.GenerateKey("witness.test/w").VerifierKey,
            ["CaCertificate"] = "certs-dev/kr-knpa/ca.crt",
        };
        change(witness);
        c["Node"]!["Ledger"] = new JsonObject { ["Witnesses"] = twice ? new JsonArray(witness, witness.DeepClone()) : new JsonArray(witness) };
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_ledger_setting_stops_start_up_naming_the_key_and_the_problem(string key, Action<JsonObject> breakIt, string problem)
    {
        var config = new TestNode("kr-knpa").BuildConfig();
        config["Node"]!["Database"]!["ConnectionString"] = "Host=127.0.0.1;Database=never_used;Username=nobody";
        breakIt(config);
        var path = Path.GetTempFileName();
        File.WriteAllText(path, config.ToJsonString());
        try
        {
            var e = Assert.Throws<NodeConfigurationException>(() => NodeApp.Build(["--environment", "Development", "--config", path]));
            Assert.Equal(key, e.Key);
            Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static JsonObject Certs(JsonObject c) => c["Node"]!["Certificates"]!.AsObject();
}

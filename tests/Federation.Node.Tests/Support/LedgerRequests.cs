using Federation.Core.Ledger;
using Federation.Node.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Node.Tests.Support;

/// <summary>tlog-witness requests a test sends by hand: genuine ones built from a node's log, and forged ones signed
/// with that node's (dev, public) log key.</summary>
public static class LedgerRequests
{
    public static async Task<AddCheckpointRequest> GenuineAsync(TestNode log, StoredCheckpoint checkpoint, ulong oldSize)
    {
        var proof = await log.Services.GetRequiredService<LedgerLog>().ConsistencyProofAsync(oldSize, checkpoint.Size, CancellationToken.None);
        return AddCheckpointRequest.Create(oldSize, proof, checkpoint.Signed);
    }

    /// <summary>A checkpoint of <paramref name="size"/> with an arbitrary root, validly signed with the node's log key.</summary>
    public static SignedCheckpoint Forge(string node, ulong size, MerkleHash root, string signedBy = "")
    {
        using var key = Ed25519NoteSigner.Parse(File.ReadAllText(Repo.CertsDev(signedBy.Length > 0 ? signedBy : node, "log.key")).Trim());
        return SignedCheckpoint.Sign(Checkpoint.Create($"federation.node/{node}/log", size, root, ["time 1764000000"]), key);
    }

    public static MerkleHash SomeRoot(byte fill) => MerkleHash.FromBytes(Enumerable.Repeat(fill, 32).ToArray());

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, AddCheckpointRequest request) =>
        await client.PostAsync(WitnessApi.AddCheckpointPath.TrimStart('/'), new ByteArrayContent(request.ToBytes()));
}

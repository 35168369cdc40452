using Federation.Core.Ledger;

namespace Federation.Core.Tests.Support;

/// <summary>A small log for witness tests: a node store, its compact range and an Ed25519 log key.</summary>
internal sealed class TestLog : IDisposable
{
    private readonly InMemoryMerkleNodeStore _store = new();
    private CompactRange _range = CompactRange.Empty;

    /// <param name="keySeed">Logs built with the same seed and origin share a key, so one can fork the other.</param>
    public TestLog(string origin = "log.example/federation", byte keySeed = 1)
    {
        Origin = origin;
        Key = Ed25519NoteSigner.FromSeed(origin, Enumerable.Repeat(keySeed, 32).ToArray());
    }

    public string Origin { get; }

    public Ed25519NoteSigner Key { get; }

    public ulong Size => _range.Size;

    public WitnessedLog Followed => new(Origin, [NoteVerifier.Parse(Key.Verifier.ToString())]);

    public TestLog Append(int count, int seed)
    {
        var completed = new List<StoredNode>();
        _range = _range.Append([.. TestTrees.RandomEntries(count, seed).Select(e => Rfc6962.LeafHash(e))], completed);
        _store.AddRange(completed);
        return this;
    }

    public SignedCheckpoint Checkpoint() => SignedCheckpoint.Sign(Federation.Core.Ledger.Checkpoint.Create(Origin, Size, _range.RootHash()), Key);

    public IReadOnlyList<MerkleHash> Proof(ulong oldSize) => new MerkleProver(_store).ConsistencyProofAsync(oldSize, Size).AsTask().GetAwaiter().GetResult();

    /// <summary>The add-checkpoint request for the current checkpoint, with a proof from <paramref name="oldSize"/>.</summary>
    public AddCheckpointRequest Request(ulong oldSize) => AddCheckpointRequest.Create(oldSize, Proof(oldSize), Checkpoint());

    public void Dispose() => Key.Dispose();
}

using System.Security.Cryptography;
using System.Text.Json;
using Federation.Core.Ledger;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Ledger;

/// <summary>
/// tiles.json lists, for trees of 1 to 70000 leaves, every C2SP tlog-tiles tile with the SHA-256 of its bytes.
/// A level-L tile is a run of stored subtrees at Merkle level 8·L, so the vectors check the node store's layout
/// (not the tile paths, which belong to the read API).
/// </summary>
public class TileVectorTests
{
    private static readonly JsonElement Tiles = Vectors.Tlog("tiles.json");

    public static TheoryData<string> Trees => [.. Tiles.GetProperty("trees").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Trees))]
    public void Every_tile_is_a_run_of_stored_subtrees(string name)
    {
        var tree = Tiles.GetProperty("trees").Single("name", name);
        var size = tree.GetProperty("tree_size").GetUInt64();
        var entries = Enumerable.Range(0, (int)size).Select(i =>
        {
            var entry = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(entry, (ulong)i);
            return entry;
        });
        var (store, range) = TestTrees.Build(entries);
        Assert.Equal(tree.GetProperty("root_hex").Hash(), range.RootHash());

        var tiles = tree.GetProperty("tiles").EnumerateArray().ToList();
        Assert.NotEmpty(tiles);
        foreach (var tile in tiles)
        {
            var level = tile.GetProperty("level").GetInt32();
            var index = tile.GetProperty("index").GetUInt64();
            var width = tile.GetProperty("width").GetInt32();
            var bytes = new byte[width * MerkleHash.Size];
            for (var i = 0; i < width; i++)
                store.Read(new NodeAddress(8 * level, index * 256 + (ulong)i)).WriteTo(bytes.AsSpan(i * MerkleHash.Size));
            Assert.Equal(tile.GetProperty("sha256_of_tile_bytes").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.Equal(tile.GetProperty("first_hash_hex").Hash(), MerkleHash.FromBytes(bytes.AsSpan(0, MerkleHash.Size)));
            Assert.Equal(tile.GetProperty("last_hash_hex").Hash(), MerkleHash.FromBytes(bytes.AsSpan(bytes.Length - MerkleHash.Size)));
        }
    }
}

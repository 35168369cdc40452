using System.Security.Cryptography;

namespace Federation.Core.Ledger;

/// <summary>
/// The RFC 6962 §2.1 Merkle Tree Hash with SHA-256 (identical in RFC 9162 §2.1.1). The one-byte prefixes
/// separate leaves from interior nodes, so no leaf can be passed off as a subtree (second-preimage resistance).
/// </summary>
public static class Rfc6962
{
    public const byte LeafPrefix = 0x00;
    public const byte NodePrefix = 0x01;

    /// <summary>MTH({}) = SHA-256 of the empty string. Not the same as the hash of an empty leaf.</summary>
    public static MerkleHash EmptyRoot { get; } = MerkleHash.FromBytes(SHA256.HashData([]));

    /// <summary>MTH({d}) = SHA-256(0x00 || d).</summary>
    public static MerkleHash LeafHash(ReadOnlySpan<byte> entry)
    {
        Span<byte> digest = stackalloc byte[MerkleHash.Size];
        if (entry.Length <= 1024)
        {
            // The common case (canonical event records are small) hashes one stack buffer without allocating.
            Span<byte> input = stackalloc byte[1 + entry.Length];
            input[0] = LeafPrefix;
            entry.CopyTo(input[1..]);
            SHA256.HashData(input, digest);
            return MerkleHash.FromBytes(digest);
        }
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData([LeafPrefix]);
        sha.AppendData(entry);
        sha.GetHashAndReset(digest);
        return MerkleHash.FromBytes(digest);
    }

    /// <summary>SHA-256(0x01 || left || right), the interior node of RFC 6962 §2.1.</summary>
    public static MerkleHash NodeHash(in MerkleHash left, in MerkleHash right)
    {
        Span<byte> input = stackalloc byte[1 + 2 * MerkleHash.Size];
        input[0] = NodePrefix;
        left.WriteTo(input[1..]);
        right.WriteTo(input[(1 + MerkleHash.Size)..]);
        Span<byte> digest = stackalloc byte[MerkleHash.Size];
        SHA256.HashData(input, digest);
        return MerkleHash.FromBytes(digest);
    }

    /// <summary>
    /// SHA-256(0x01 || left || right) over arbitrary byte strings. Only the known-answer vector
    /// <c>node("N123","N456")</c> needs operands that are not 32-byte hashes.
    /// </summary>
    public static MerkleHash NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData([NodePrefix]);
        sha.AppendData(left);
        sha.AppendData(right);
        Span<byte> digest = stackalloc byte[MerkleHash.Size];
        sha.GetHashAndReset(digest);
        return MerkleHash.FromBytes(digest);
    }
}

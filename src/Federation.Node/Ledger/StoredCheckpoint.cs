using Federation.Core.Ledger;

namespace Federation.Node.Ledger;

/// <summary>A checkpoint this node signed, with the cosignatures its peers and outside witnesses returned for it so far.</summary>
public sealed record StoredCheckpoint(long Id, SignedCheckpoint Signed, DateTimeOffset SignedAt, IReadOnlyList<(CosignerId Witness, NoteSignature Line)> Cosignatures)
{
    public ulong Size => Signed.Checkpoint.Size;

    /// <summary>The signed note as served: the log's signature followed by every cosignature gathered.</summary>
    public SignedCheckpoint WithCosignatures() => Signed.WithCosignatures(Cosignatures.Select(c => c.Line));
}

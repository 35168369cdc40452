using System.Security.Cryptography;
using Federation.Core.Ledger;
using JasperFx.Events;
using Marten;

namespace Federation.Node.Ledger;

/// <summary>An event about to be appended, with everything its leaf needs except the index (computed before the
/// appending transaction takes the ledger lock, so the lock is held for as little work as possible).</summary>
internal sealed record PendingLeaf(Guid EventId, string StreamKey, string EventType, DateTimeOffset Timestamp, byte[] DataSha256, byte[]? EnvelopeSha256,
    string? EnvelopeBlob, string? EnvelopeSigner)
{
    public static PendingLeaf From(IEvent e, string streamKey, ISerializer serializer)
    {
        // The same serializer Marten writes mt_events.data with; the canonical form makes the digest independent of
        // how jsonb later re-renders it, so an auditor can recompute it from the stored row.
        var data = LedgerEntry.DataDigest(serializer.ToJson(e.Data));
        byte[]? envelope = null;
        string? blob = null, signer = null;
        if (e.Data is IEnvelopeEvent carrier)
        {
            blob = carrier.EnvelopeBlobSha256;
            signer = carrier.SignedBy;
            envelope = carrier.SignedContentSha256.ToArray();
            if (envelope.Length != SHA256.HashSizeInBytes)
                throw new InvalidOperationException($"{e.EventTypeName}: the signed-content digest is {envelope.Length} bytes, not 32.");
        }
        return new PendingLeaf(e.Id, streamKey, e.EventTypeName, e.Timestamp, data, envelope, blob, signer);
    }

    public LedgerEntry ToEntry(ulong index) =>
        LedgerEntry.Create(index, EventId, StreamKey, EventType, Timestamp, DataSha256, EnvelopeSha256, EnvelopeSha256 is not null);
}

using Federation.Core.Envelopes;
using Federation.Core.Releases;
using Federation.Node.Lists;
using Federation.Node.Storage;

namespace Federation.Node.Sync;

/// <summary>
/// Items of kind "release": a peer's hash-list release with its detached signature. Verified with the strict rules of
/// <see cref="ReleaseVerifier"/> (signer = origin = the sending peer, its pinned CA, the list's chain, expiry), and only
/// if this node is in the release's signed audience; then its blobs, active entries, list state and event are stored.
/// A release that holds in every respect but has expired (a slow or paused pull) is stored all the same and recorded as
/// expired on arrival: the next release's changes are relative to it, so refusing it would break the list's chain for
/// good, and the list's expiry in the past keeps its entries from matching (<see cref="Matching.MatchService"/>).
/// </summary>
public sealed class ReleaseItemHandler(TimeProvider time, ILogger<ReleaseItemHandler> log) : IItemHandler
{
    public const string ItemKind = "release";

    public string Kind => ItemKind;

    public async Task<ItemRefusal?> ReceiveAsync(ItemReception reception, ReceivedItem item, CancellationToken ct)
    {
        if (item.Signature is null) return new("signature-missing", "a release item must name its detached signature");
        ReleaseHeader header;
        try
        {
            header = (await ReleaseReader.OpenAsync(new MemoryStream(item.Content, writable: false), ct)).Header;
        }
        catch (ReleaseFormatException e)
        {
            return new(ReleaseRejections.Malformed, e.Message);
        }
        // A peer that sends us a release outside its audience breaks the origin's sharing rules: refuse it.
        if (!header.Audience.Includes(reception.Settings.NodeId))
            return new("not-in-audience", $"the release is for {header.Audience}, not for {reception.Settings.NodeId}");

        var session = reception.Session;
        var key = HashList.Key(header.Origin.Value, header.List.Value);
        var list = await session.LoadAsync<HashList>(key, ct);
        var chain = list?.LastDigest is { } d
            ? new ReleaseChainState(header.List, header.Origin, new ReleaseVersion(list.Version), ContentDigest.Parse(d))
            : null;
        var peer = reception.Peer;
        var check = await new ReleaseVerifier(time).VerifyAsync(new MemoryStream(item.Content, writable: false), item.Signature, peer.Anchor, peer.NodeId, chain, ct);
        if (!check.Accepted && !check.ExpiredOnly) return new(check.Reason!, check.Detail);
        using var signer = check.Signer;

        var summary = check.Release!;
        var h = summary.Header;
        var (conn, tx, schema, now) = (reception.Connection, reception.Transaction, reception.Schema, reception.Now);
        await Blobs.PutAsync(conn, tx, schema, summary.Digest.Hex, "application/vnd.federation.release", item.Content, ct);
        await Blobs.PutAsync(conn, tx, schema, item.Entry.SignatureSha256!, "application/pkcs7-signature", item.Signature, ct);
        long active;
        await using (var release = new MemoryStream(item.Content, writable: false))
            active = await ActiveEntries.ApplyAsync(conn, tx, schema, summary, release, ct);
        list ??= new HashList(key, h.Origin.Value, h.List.Value, h.List.Value, h.Audience.ToString(), h.Tlp.Name, 0, null, null, 0, now, null);
        session.Store(list with { Version = h.Version.Value, LastDigest = summary.Digest.Hex, Expires = h.Expires, ActiveEntries = active, Audience = h.Audience.ToString(), Tlp = h.Tlp.Name, Updated = now });
        session.Events.Append(HashList.Stream(h.Origin.Value, h.List.Value), new ReleaseReceived(h.Origin.Value, h.List.Value, h.Version.Value,
            summary.Digest.Hex, item.Entry.SignatureSha256!, summary.Added, summary.Withdrawn, h.Expires, item.Entry.Position, signer?.Subject ?? "", now,
            ExpiredOnArrival: check.ExpiredOnly));
        if (check.ExpiredOnly)
            log.LogWarning("Release {Origin}/{List} v{Version} had expired at {Expires:O} when it arrived: recorded to keep the chain; the list does not match until a later release",
                h.Origin, h.List, h.Version, h.Expires);
        return null;
    }
}

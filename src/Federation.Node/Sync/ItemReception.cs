using Federation.Node.Hosting;
using Marten;
using Npgsql;

namespace Federation.Node.Sync;

/// <summary>
/// The transaction an incoming item is applied in (a pulled page's, or a push's), and from whom it came. Handlers write
/// through <see cref="Connection"/>/<see cref="Transaction"/> (blobs, tables) and <see cref="Session"/> (documents,
/// events); the caller commits.
/// </summary>
public sealed record ItemReception(NpgsqlConnection Connection, NpgsqlTransaction Transaction, IDocumentSession Session, NodeSettings Settings,
    PeerSettings Peer, DateTimeOffset Now)
{
    public string Schema => Settings.Schema;
}

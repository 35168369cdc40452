using System.Collections.Concurrent;
using System.Net;
using Federation.Node.Security;
using Microsoft.AspNetCore.Connections;

namespace Federation.Node.Hosting;

/// <summary>
/// Connection middleware for one listener: at most so many open connections on the port, and so many from one remote
/// address (a peer, or a person's machine). It runs before the TLS handshake, so a flood of idle sockets costs no
/// handshake; a connection over a limit is closed at once. Kestrel's own connection limit is server-wide, which would
/// let a flood on the federation port starve the agency and health ports.
/// </summary>
public sealed class ConnectionLimit(NodeFace face, int perPort, int perAddress, Func<ILogger> log)
{
    private readonly ConcurrentDictionary<IPAddress, int> _byAddress = new();
    private int _open;
    private long _refused;

    public int Open => Volatile.Read(ref _open);

    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var address = connection.RemoteEndPoint is IPEndPoint ep ? (ep.Address.IsIPv4MappedToIPv6 ? ep.Address.MapToIPv4() : ep.Address) : IPAddress.None;
        if (Interlocked.Increment(ref _open) > perPort)
        {
            Interlocked.Decrement(ref _open);
            Refused(address, $"{perPort} connections are open on the port");
            return;
        }
        try
        {
            if (_byAddress.AddOrUpdate(address, 1, (_, n) => n + 1) > perAddress)
            {
                Leave(address);
                Refused(address, $"{perAddress} connections are open from that address");
                return;
            }
            try
            {
                await next(connection);
            }
            finally
            {
                Leave(address);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    };

    private void Leave(IPAddress address)
    {
        // Bounded: each turn either succeeds or sees another connection's change, and those are finite.
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            if (!_byAddress.TryGetValue(address, out var n)) return;
            if (n <= 1 ? _byAddress.TryRemove(KeyValuePair.Create(address, n)) : _byAddress.TryUpdate(address, n - 1, n)) return;
        }
    }

    private void Refused(IPAddress address, string why)
    {
        // One line per hundred refusals: a flood must not flood the log too.
        if (Interlocked.Increment(ref _refused) % 100 == 1)
            log().LogWarning("Refused a {Face} connection from {Address}: {Why} ({Refused} refused so far)", face, address, why, Interlocked.Read(ref _refused));
    }
}

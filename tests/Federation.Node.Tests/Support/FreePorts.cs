using System.Net;
using System.Net.Sockets;

namespace Federation.Node.Tests.Support;

public static class FreePorts
{
    // Nodes that must know each other's address before starting need fixed ports; port 0 cannot be told to a peer in
    // advance. The ports come from below Linux's ephemeral range (32768–60999): a port taken from that range could be
    // handed by the kernel to one of the many outgoing connections (HTTP clients, Npgsql) between our check and the
    // node's bind, which CI saw as "address already in use". A random start per process keeps parallel test processes apart.
    private const int First = 20_000, Count = 12_000;
    private static int _next = Random.Shared.Next(Count);

    /// <summary>A port on 127.0.0.1 that was free a moment ago and that the kernel will not give to an outgoing connection.</summary>
    public static int Next()
    {
        for (var tries = 0; tries < Count; tries++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            try
            {
                using var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
                return port;
            }
            catch (SocketException)
            {
                // in use: try the next one
            }
        }
        throw new InvalidOperationException($"no free port on 127.0.0.1 between {First} and {First + Count - 1}");
    }
}

using System.Net;
using System.Net.Sockets;

namespace Federation.Node.Tests.Support;

public static class FreePorts
{
    /// <summary>A port on 127.0.0.1 that was free a moment ago. Nodes that must know each other's address before
    /// starting need fixed ports; port 0 cannot be told to a peer in advance.</summary>
    public static int Next()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

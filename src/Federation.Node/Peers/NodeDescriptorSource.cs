using Federation.Core.Descriptors;
using Federation.Core.Envelopes;
using Federation.Node.Hosting;
using Federation.Node.Ledger;

namespace Federation.Node.Peers;

/// <summary>This node's own descriptor, signed with its signing certificate (attached CMS), re-signed when the
/// settings change.</summary>
public sealed class NodeDescriptorSource(NodeSettingsMonitor settings, LedgerSettings ledger, TimeProvider time)
{
    private (NodeSettings Settings, byte[] Envelope)? _cached;

    public byte[] Envelope()
    {
        var current = settings.Current;
        var cached = _cached;
        if (cached is { } c && ReferenceEquals(c.Settings, current)) return c.Envelope;
        var descriptor = new NodeDescriptor(current.NodeId.Value, current.DisplayName, current.Jurisdiction, current.PublicFederationUrl,
            Convert.ToBase64String(current.SigningCertificate.RawData), ledger.LogKey.Verifier.ToString(), time.GetUtcNow(),
            ledger.WitnessKey.Verifier.ToString());
        var envelope = new EnvelopeSigner(current.SigningCertificate, time).SignAttached(FederationOids.NodeDescriptor, descriptor.Encode());
        _cached = (current, envelope);
        return envelope;
    }
}

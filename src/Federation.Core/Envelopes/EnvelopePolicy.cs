using Federation.Core.Identity;
using Federation.Core.Pki;

namespace Federation.Core.Envelopes;

/// <summary>What a verified envelope must be: of <paramref name="ContentType"/> (one of <see cref="FederationOids"/>),
/// signed by <paramref name="Signer"/>'s signing certificate, chaining to that node's pinned <paramref name="Anchor"/>.</summary>
public sealed record EnvelopePolicy(string ContentType, NodeId Signer, TrustAnchor Anchor);

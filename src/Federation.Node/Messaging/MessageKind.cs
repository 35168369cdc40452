using Federation.Core.Envelopes;

namespace Federation.Node.Messaging;

/// <summary>
/// A kind of message item: its feed kind and the CMS eContentType its envelopes carry. Each kind has its own content
/// type, and the kind is also inside the signed document, so a signature made for one kind is never accepted as
/// another.
/// </summary>
public sealed record MessageKind(string Name, string ContentType)
{
    /// <summary>The generic typed message (docs/formats.md §4).</summary>
    public static readonly MessageKind Message = new("message", FederationOids.Message);
}

using Federation.Node.Sync;

namespace Federation.Node.Messaging;

/// <summary>Items of kind "message": typed messages with no rules of their own beyond the envelope's; the
/// <see cref="MessageReceived"/> event and the stored envelope are their whole effect.</summary>
public sealed class GenericMessageHandler(TimeProvider time) : MessageHandler(MessageKind.Message, time)
{
    protected override Task<ItemRefusal?> ApplyAsync(ItemReception reception, ReceivedMessage message, CancellationToken ct) =>
        Task.FromResult<ItemRefusal?>(null);
}

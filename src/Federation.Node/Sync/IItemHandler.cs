namespace Federation.Node.Sync;

/// <summary>
/// Takes the incoming items of one feed kind ("release", "message", "feedback", …), whether they arrive by pull or by
/// push: verifies the item strictly and, if it passes, applies it inside the reception's transaction. Register one per
/// kind as <c>services.AddSingleton&lt;IItemHandler, MyHandler&gt;()</c>; <see cref="ItemReceiver"/> dispatches to it after
/// the checks every kind shares (origin = the sending peer, object digests, duplicates).
/// </summary>
public interface IItemHandler
{
    /// <summary>The feed kind this handler takes; unique among the registered handlers.</summary>
    string Kind { get; }

    /// <summary>
    /// Verifies <paramref name="item"/> and applies it with <paramref name="reception"/>'s connection, transaction and
    /// session. Returns null when applied, or the refusal. Must write nothing before it has decided to accept: a
    /// refusal leaves the transaction as it found it. The session is flushed (not committed) after each accepted item,
    /// so the next item of the same page sees this one's state.
    /// </summary>
    Task<ItemRefusal?> ReceiveAsync(ItemReception reception, ReceivedItem item, CancellationToken ct);
}

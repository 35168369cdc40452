using System.Runtime.CompilerServices;
using Marten;
using Marten.Services;

namespace Federation.Node.Ledger;

/// <summary>
/// Makes every event the node stores a leaf of its Merkle log, in the transaction that stores the event
/// (leaf indices are never Marten's seq_id, and never assigned later by an asynchronous projection).
/// Before a session saves, it prepares a leaf per pending event; inside the transaction, after Marten's own
/// statements and just before COMMIT, the session's <see cref="LedgerAppend"/> takes the ledger lock and appends
/// them. Registered once per document store; sessions that append no event pay nothing.
/// </summary>
public sealed class LedgerListener(string schema) : IDocumentSessionListener
{
    private const int ParallelFrom = 256;

    private readonly LedgerTip _tip = new();
    private readonly ConditionalWeakTable<IDocumentSession, LedgerAppend> _bySession = [];

    public Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var events = session.PendingChanges.Streams()
            .SelectMany(stream => stream.Events.Select(e => (Event: e, Stream: e.StreamKey ?? stream.Key ?? e.StreamId.ToString())))
            .ToList();
        List<PendingLeaf>? pending = null;
        if (events.Count > 0)
        {
            var serializer = session.DocumentStore.Options.Serializer();
            // Serialising and canonicalising is the listener's main cost (a few µs an event); PostgreSQL is idle
            // while it runs, so a large save spreads it over the cores.
            pending = events.Count >= ParallelFrom
                ? [.. events.AsParallel().AsOrdered().Select(x => PendingLeaf.From(x.Event, x.Stream, serializer))]
                : [.. events.Select(x => PendingLeaf.From(x.Event, x.Stream, serializer))];
        }

        // Marten keeps a session's transaction participants for the session's lifetime, and keeps its pending events
        // after a failed save so the caller can retry. So a session has one participant, and each save tells it
        // what is pending now: a retried save appends its events once, a later save only its own.
        if (!_bySession.TryGetValue(session, out var append))
        {
            if (pending is null) return Task.CompletedTask;
            append = new LedgerAppend(schema, _tip);
            ((ITransactionParticipantRegistrar)session).AddTransactionParticipant(append);
            _bySession.Add(session, append);
        }
        append.Pending = pending;
        return Task.CompletedTask;
    }

    public Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;

    public void DocumentLoaded(object id, object document) { }

    public void DocumentAddedForStorage(object id, object document) { }
}

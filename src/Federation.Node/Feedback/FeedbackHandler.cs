using Federation.Core.Envelopes;
using Federation.Core.Releases;
using Federation.Node.Messaging;
using Federation.Node.Sync;

namespace Federation.Node.Feedback;

/// <summary>
/// Incoming feedback messages. <see cref="MessageHandler"/> has verified the envelope (signed by the sending peer's node
/// key under its pinned CA), that the signed document says it is from that peer and for this node; here the feedback
/// must be about an entry this node publishes and say something known. Then the event and the sender's latest verdict.
/// </summary>
public sealed class FeedbackHandler(TimeProvider time) : MessageHandler(Kind, time)
{
    public static new readonly MessageKind Kind = new("feedback", FederationOids.Feedback);

    protected override async Task<ItemRefusal?> ApplyAsync(ItemReception reception, ReceivedMessage message, CancellationToken ct)
    {
        var doc = message.Document;
        var self = reception.Settings.NodeId.Value;
        if (doc.Type != FeedbackBody.Type) return new("feedback-invalid", $"a feedback message has type '{FeedbackBody.Type}', not '{doc.Type}'");
        FeedbackBody body;
        try
        {
            body = FeedbackBody.Parse(doc.Body);
        }
        catch (FormatException e)
        {
            return new("feedback-invalid", e.Message);
        }
        if (body.Origin != self) return new("not-our-entry", $"the feedback concerns an entry of {body.Origin}, not of {self}");
        if (FeedbackRules.Check(body.Origin, body.ListId, body.Signal, body.Value, body.Verdict, body.Note) is { } problem) return new("feedback-invalid", problem);
        var value = SignalValue.Parse(body.Signal, body.Value);
        if (!await FeedbackRules.EntryExistsAsync(reception.Connection, reception.Transaction, reception.Schema, self, body.ListId, value, ct))
            return new("entry-not-published", $"{self} publishes no active entry {value} in list {body.ListId}");

        reception.Session.Events.Append(FeedbackService.Stream(self, body.ListId), new FeedbackReceived(doc.Id, doc.From, body.ListId, value.Signal.Name,
            value.Hex, body.Verdict, FeedbackRules.Note(body.Note), doc.Created, message.SignerSubject, reception.Now));
        await FeedbackRules.UpsertAsync(reception.Connection, reception.Transaction, reception.Schema, self, body.ListId, value, doc.From, body.Verdict,
            FeedbackRules.Note(body.Note), doc.Created, doc.Id, ct);
        return null;
    }
}

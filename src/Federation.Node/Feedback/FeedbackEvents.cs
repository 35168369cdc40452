namespace Federation.Node.Feedback;

/// <summary>One of this node's officers sent feedback on a peer's entry; a signed <see cref="FeedbackHandler.Kind"/> message carries it to the origin.</summary>
public sealed record FeedbackSent(string FeedbackId, string Origin, string ListId, string Signal, string Value, string Verdict, string? Note, string By, DateTimeOffset At);

/// <summary>A peer's verified feedback on one of this node's own entries (the envelope is logged by its <c>MessageReceived</c>).</summary>
/// <param name="SignerSubject">The subject of the peer's signing certificate that signed the message.</param>
public sealed record FeedbackReceived(string FeedbackId, string From, string ListId, string Signal, string Value, string Verdict, string? Note,
    DateTimeOffset SentAt, string SignerSubject, DateTimeOffset At);

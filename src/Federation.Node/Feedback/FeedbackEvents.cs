namespace Federation.Node.Feedback;

/// <summary>One of this node's officers sent feedback on a peer's entry; <see cref="FeedbackItem"/> goes to the origin.</summary>
public sealed record FeedbackSent(string FeedbackId, string Origin, string ListId, string Signal, string Value, string Verdict, string? Note, string By, DateTimeOffset At);

/// <summary>A peer's verified feedback on one of this node's own entries.</summary>
/// <param name="SignerSubject">The subject of the peer's signing certificate that signed the item.</param>
public sealed record FeedbackReceived(string FeedbackId, string From, string ListId, string Signal, string Value, string Verdict, string? Note,
    DateTimeOffset SentAt, string SignerSubject, DateTimeOffset At);

/// <summary>Feedback from a peer that failed verification: kept with the reason, applied nowhere.</summary>
public sealed record FeedbackRefused(string From, string? FeedbackId, string Reason, string Detail, DateTimeOffset At);

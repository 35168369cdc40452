namespace Federation.Node.Feedback;

/// <summary>One agency's latest feedback on an entry: <see cref="FeedbackVerdicts"/> names the verdicts.</summary>
public sealed record EntryVerdict(string Agency, string Verdict, string? Note, DateTimeOffset At);

using System.Text.Json.Serialization;

namespace Federation.Core.Requests;

/// <summary>
/// The legal clock of a case: it starts at the signed delivery receipt's time, pauses while clarification is
/// requested, and stops when the requested side answers (docs/requests.md, "Clocks and escalation"). All arithmetic
/// takes the instant as an argument, so the caller's <see cref="TimeProvider"/> drives it.
/// </summary>
public sealed record ResponseClock(DateTimeOffset StartedAt, TimeSpan Allowed, Priority Priority)
{
    /// <summary>Total time spent paused before the current pause.</summary>
    public TimeSpan PausedFor { get; init; }

    public DateTimeOffset? PausedSince { get; init; }

    /// <summary>When the requested side answered (preserved, responded, refused) or the case otherwise ended.</summary>
    public DateTimeOffset? StoppedAt { get; init; }

    [JsonIgnore]
    public bool IsRunning => PausedSince is null && StoppedAt is null;

    /// <summary>The due time as things stand; while paused it is unknown, so null.</summary>
    [JsonIgnore]
    public DateTimeOffset? Due => PausedSince is null ? StartedAt + PausedFor + Allowed : null;

    /// <summary>Running time counted against the allowance up to <paramref name="now"/> (pauses excluded).</summary>
    public TimeSpan Elapsed(DateTimeOffset now)
    {
        var end = StoppedAt ?? PausedSince ?? now;
        if (end > now) end = now;
        var elapsed = end - StartedAt - PausedFor;
        return elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed;
    }

    public double Fraction(DateTimeOffset now) => Elapsed(now) / Allowed;

    /// <summary>Overdue only matters while an answer is owed: a stopped clock is never overdue.</summary>
    public bool IsOverdue(DateTimeOffset now) => StoppedAt is null && Elapsed(now) >= Allowed;

    public ResponseClock Pause(DateTimeOffset at) => PausedSince is null && StoppedAt is null ? this with { PausedSince = at } : this;

    public ResponseClock Resume(DateTimeOffset at) =>
        PausedSince is { } since ? this with { PausedSince = null, PausedFor = PausedFor + (at - since) } : this;

    public ResponseClock Stop(DateTimeOffset at) => StoppedAt is null ? Resume(at) with { StoppedAt = at } : this;

    /// <summary>The share of the allowance at which each escalation fires: 50/80/100 %, or 25/50/100 % in an emergency.</summary>
    public static double Threshold(Escalation escalation, Priority priority) => (escalation, priority) switch
    {
        (Escalation.Reminder, Priority.Emergency) => 0.25,
        (Escalation.Alert, Priority.Emergency) => 0.50,
        (Escalation.Reminder, _) => 0.50,
        (Escalation.Alert, _) => 0.80,
        _ => 1.0,
    };

    /// <summary>When <paramref name="escalation"/> is due, or null while the clock is paused or stopped.</summary>
    public DateTimeOffset? EscalationAt(Escalation escalation) =>
        IsRunning ? StartedAt + PausedFor + Allowed * Threshold(escalation, Priority) : null;
}

/// <summary>The steps of escalation as a clock runs down (docs/requests.md, "Clocks and escalation").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Escalation>))]
public enum Escalation
{
    /// <summary>Reminder to the assignee (50 %, 25 % in an emergency).</summary>
    [JsonStringEnumMemberName("reminder")] Reminder,
    /// <summary>Supervisor and duty officers notified (80 %, 50 % in an emergency).</summary>
    [JsonStringEnumMemberName("alert")] Alert,
    /// <summary>Overdue: a signed reminder goes to the peer (100 %).</summary>
    [JsonStringEnumMemberName("overdue")] Overdue,
}

using System.Text.Json.Serialization;

namespace Federation.Core.Requests;

/// <summary>
/// Where a case stands (docs/requests.md, "States and actions"). The same state is held on both nodes once the request is sent;
/// draft, in-review, awaiting-validation and approved exist only on the requesting node.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RequestState>))]
public enum RequestState
{
    [JsonStringEnumMemberName("draft")] Draft,
    [JsonStringEnumMemberName("in-review")] InReview,
    [JsonStringEnumMemberName("awaiting-validation")] AwaitingValidation,
    [JsonStringEnumMemberName("approved")] Approved,
    [JsonStringEnumMemberName("sent")] Sent,
    [JsonStringEnumMemberName("delivered")] Delivered,
    [JsonStringEnumMemberName("acknowledged")] Acknowledged,
    [JsonStringEnumMemberName("info-requested")] InfoRequested,
    [JsonStringEnumMemberName("accepted")] Accepted,
    [JsonStringEnumMemberName("postponed")] Postponed,
    [JsonStringEnumMemberName("preserved")] Preserved,
    [JsonStringEnumMemberName("responded")] Responded,
    [JsonStringEnumMemberName("refused")] Refused,
    [JsonStringEnumMemberName("released")] Released,
    [JsonStringEnumMemberName("expired")] Expired,
    [JsonStringEnumMemberName("withdrawn")] Withdrawn,
    [JsonStringEnumMemberName("closed")] Closed,
}

public static class RequestStates
{
    /// <summary>States in which the requested side owes an answer and the response clock runs.</summary>
    public static bool ClockRuns(this RequestState state) =>
        state is RequestState.Delivered or RequestState.Acknowledged or RequestState.Accepted or RequestState.Postponed;

    /// <summary>States from which only closing is possible.</summary>
    public static bool IsFinished(this RequestState state) =>
        state is RequestState.Responded or RequestState.Refused or RequestState.Released or RequestState.Expired
            or RequestState.Withdrawn or RequestState.Closed;
}

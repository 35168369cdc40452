namespace Federation.Node.Hosting;

/// <summary>
/// A request the node will not carry out as asked, thrown where that is decided: the HTTP status, the stable
/// <c>reason</c> of the RFC 9457 problem and a detail for people. On the API <see cref="Refusals.RefusedAs{TBuilder}(TBuilder, string)"/>
/// answers it as problem details with the endpoint's title; the console shows it as <c>reason: detail</c>.
/// </summary>
public sealed class Refusal(int status, string reason, string detail) : Exception($"{reason}: {detail}")
{
    public int Status { get; } = status;
    public string Reason { get; } = reason;
    public string Detail { get; } = detail;
}

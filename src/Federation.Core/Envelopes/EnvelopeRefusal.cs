namespace Federation.Core.Envelopes;

/// <summary>Thrown inside envelope decoding and turned into a refused <see cref="EnvelopeCheck"/> at the boundary.</summary>
internal sealed class EnvelopeRefusal(string reason, string detail) : Exception($"{reason}: {detail}")
{
    public string Reason { get; } = reason;
    public string Detail { get; } = detail;
}
